using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Builds generated C# the way a user's project does, only stricter: C# 10 (the oldest the
/// generated code supports), nullable enabled, XML documentation checked, every warning wave on
/// and every warning an error; against the real runtime assembly or against
/// <c>Roslyn/RuntimeStub.cs</c> (the contract's types alone).
/// </summary>
internal static class GeneratedCSharp
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp10, DocumentationMode.Diagnose);

    private static readonly string RuntimeAssemblyPath = typeof(global::ExpirableStore.ExpirableDefinition).Assembly.Location;

    // The platform and the test's dependencies, without the real runtime (the stub stands in for it).
    private static readonly Lazy<MetadataReference[]> PlatformReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !string.Equals(Path.GetFileName(p), Path.GetFileName(RuntimeAssemblyPath), StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    private static readonly Lazy<MetadataReference[]> RealRuntimeReferences = new(() =>
        PlatformReferences.Value.Append(MetadataReference.CreateFromFile(RuntimeAssemblyPath)).ToArray());

    private static readonly Lazy<SyntaxTree> Stub = new(() => Parse(File.ReadAllText(TestData.PathOf("Roslyn", "RuntimeStub.cs")), "RuntimeStub.cs"));

    private static readonly Lazy<SyntaxTree[]> Fetchers = new(() => new[] { "Fetchers.cs", "FetchersVersion2.cs" }
        .Select(f => Parse(File.ReadAllText(TestData.PathOf("Roslyn", f)), f))
        .ToArray());

    public static SyntaxTree Parse(string code, string path) => CSharpSyntaxTree.ParseText(code, ParseOptions, path: path);

    /// <summary>Every diagnostic of at least warning severity (all are errors here) of a build of <paramref name="generated"/>.</summary>
    public static List<Diagnostic> Build(IEnumerable<SyntaxTree> generated, bool realRuntime, bool withFetchers = true)
    {
        generated = generated.ToList();
        var trees = generated.ToList();
        if (!realRuntime)
        {
            trees.Add(Stub.Value);
        }

        if (withFetchers)
        {
            trees.AddRange(Fetchers.Value);
        }

        var compilation = CSharpCompilation.Create(
            "GeneratedCodeCheck",
            trees,
            realRuntime ? RealRuntimeReferences.Value : PlatformReferences.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                generalDiagnosticOption: ReportDiagnostic.Error));
        // The test's own support files (stub, fetchers) are not under test.
        var generatedTrees = new HashSet<SyntaxTree>(generated);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Where(d => d.Location.SourceTree is null || generatedTrees.Contains(d.Location.SourceTree))
            .ToList();
    }

    /// <summary>A build of one generated file, without the golden samples' fetch methods.</summary>
    public static List<Diagnostic> Build(string code, bool realRuntime) =>
        Build(new[] { Parse(code, "Generated.g.cs") }, realRuntime, withFetchers: false);

    /// <summary>
    /// The diagnostics that are the generator's fault: any syntax error, any warning, and any error
    /// outside the text the user wrote. An error in that text (a fetch method or type the test
    /// does not define, a generic type without its arguments, an opened namespace that does not
    /// exist) is mapped by #line to the .expirables file, where a user sees and fixes it: C#'s to
    /// report, as docs/dsl.md says. Syntax errors are never the user's: what check accepts parses.
    /// </summary>
    public static List<Diagnostic> GeneratorProblems(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Where(d => IsSyntaxError(d) || d.WarningLevel > 0 || !IsInExpirablesFile(d)).ToList();

    // Roslyn's syntax errors are the ones the parser reports, before any binding.
    private static bool IsSyntaxError(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree is { } tree && tree.GetDiagnostics().Any(d => d.Id == diagnostic.Id && d.Location == diagnostic.Location);

    public static bool IsInExpirablesFile(Diagnostic diagnostic)
    {
        var mapped = diagnostic.Location.GetMappedLineSpan();
        return mapped.HasMappedPath && mapped.Path.EndsWith(".expirables", StringComparison.Ordinal);
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()));
}
