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

    private static readonly Lazy<SyntaxTree> Fetchers = new(() => Parse(File.ReadAllText(TestData.PathOf("Roslyn", "Fetchers.cs")), "Fetchers.cs"));

    /// <summary>The error codes of a name the C# compiler cannot find: what a fetch method or type the test does not provide gives.</summary>
    public static readonly IReadOnlySet<string> UnresolvedNameCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "CS0103", // the name does not exist in the current context
        "CS0117", // the type does not contain a definition for it
        "CS0234", // the type or namespace does not exist in the namespace
        "CS0246", // the type or namespace could not be found
        "CS0400", // not found in the global namespace
        "CS0426", // the type name does not exist in the type
    };

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
            trees.Add(Fetchers.Value);
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
    /// The diagnostics that are the generator's fault: everything but a name the test does not
    /// define (a fetch method, a user type, an opened namespace) at a place the #line directives map
    /// to the .expirables file, where a user would see and fix it.
    /// </summary>
    public static List<Diagnostic> GeneratorProblems(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Where(d => !(UnresolvedNameCodes.Contains(d.Id) && IsInExpirablesFile(d))).ToList();

    public static bool IsInExpirablesFile(Diagnostic diagnostic)
    {
        var mapped = diagnostic.Location.GetMappedLineSpan();
        return mapped.HasMappedPath && mapped.Path.EndsWith(".expirables", StringComparison.Ordinal);
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()));
}
