using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// The generated code is valid C#: it parses, it compiles against a stub of the runtime types of
/// docs/generated-code-contract.md and against the real runtime with every warning an error (see
/// <see cref="GeneratedCSharp"/>), and a C# error in user-written text is reported at the
/// .expirables line and column through the #line directives.
/// </summary>
public sealed class GeneratedCodeCompilationTests
{
    [TestCaseSource(typeof(GoldenTests), nameof(GoldenTests.Samples))]
    public void Generated_code_parses_without_syntax_errors(string fileName)
    {
        var code = GoldenTests.CompileSample(fileName).GeneratedCode!;
        var tree = GeneratedCSharp.Parse(code, "Generated.g.cs");
        Assert.That(tree.GetDiagnostics().Select(d => d.ToString()), Is.Empty);
    }

    [Test]
    public void All_golden_samples_compile_against_the_runtime_contract_without_errors_or_warnings()
    {
        var trees = GoldenTests.Samples()
            .Select(c => (string)c.Arguments[0]!)
            .Select(f => CSharpSyntaxTree.ParseText(GoldenTests.CompileSample(f).GeneratedCode!, GeneratedCSharp.ParseOptions, path: f + ".g.cs"))
            .ToList();

        var diagnostics = Compile(trees);

        Assert.That(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()), Is.Empty);
    }

    [TestCaseSource(typeof(GoldenTests), nameof(GoldenTests.Samples))]
    public void Each_golden_sample_compiles_against_the_real_runtime_assembly_without_errors_or_warnings(string fileName)
    {
        var trees = new[] { CSharpSyntaxTree.ParseText(GoldenTests.CompileSample(fileName).GeneratedCode!, GeneratedCSharp.ParseOptions, path: fileName + ".g.cs") };

        var diagnostics = Compile(trees, realRuntime: true);

        Assert.That(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()), Is.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Every_fetch_shape_of_the_contract_compiles(bool realRuntime)
    {
        var shapes = new[] { "Sync", "TaskOf", "ValueTaskOf", "SyncCt", "TaskCt", "ValueTaskCt", "SyncServices", "TaskServices", "ValueTaskServices" };
        var text = "namespace Samples.Shapes\n" + string.Concat(shapes.Select(s => $"expirable shape_{s} : int < fetch ShapeSources.{s} >\n"));
        var diagnostics = CompileVariant("Shapes.expirables", text, realRuntime);

        Assert.That(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()), Is.Empty);
    }

    [TestCase("key string", "KeyedSources", false)]
    [TestCase("key string", "KeyedSources", true)]
    [TestCase("state Grant?", "StatefulSources", false)]
    [TestCase("state Grant?", "StatefulSources", true)]
    [TestCase("key Guid; state Grant? required", "KeyedStatefulSources", false)]
    [TestCase("key Guid; state Grant? required", "KeyedStatefulSources", true)]
    public void Every_version_2_fetch_shape_of_the_contract_compiles(string options, string sources, bool realRuntime)
    {
        var shapes = new[] { "Sync", "TaskOf", "ValueTaskOf", "SyncCt", "TaskCt", "ValueTaskCt", "SyncServices", "TaskServices", "ValueTaskServices" };
        var text = "namespace Samples.Shapes2\n" + string.Concat(shapes.Select(s => $"expirable shape_{s} : int < {options}; fetch {sources}.{s} >\n"));
        var diagnostics = CompileVariant("Shapes2.expirables", text, realRuntime);

        Assert.That(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()), Is.Empty);
    }

    // A stateful fetch that returns a plain Fetched<T> (no next state), or a keyed one without the
    // key parameter, is a C# error at the fetch reference of the .expirables file.
    [TestCase("state Grant?", "global::Samples.Shapes.ShapeSources.Sync", false)]
    [TestCase("state Grant?", "global::Samples.Shapes.ShapeSources.Sync", true)]
    [TestCase("key string", "global::Samples.Shapes.ShapeSources.SyncCt", false)]
    [TestCase("key string", "global::Samples.Shapes.ShapeSources.SyncCt", true)]
    [TestCase("key Guid; state Grant?", "StatefulSources.Sync", false)]
    [TestCase("key Guid; state Grant?", "StatefulSources.Sync", true)]
    public void A_fetch_method_of_the_wrong_version_2_shape_is_a_CSharp_error_at_the_fetch_reference(string options, string fetch, bool realRuntime)
    {
        var text = $"namespace Samples.Shapes2\nexpirable misfit : int <\n    {options}\n    fetch {fetch}\n>\n";
        var errors = CompileVariant("Wrong.expirables", text, realRuntime)
            .Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors.Select(e => e.Location.GetMappedLineSpan()).Select(s => (s.Path, s.StartLinePosition.Line + 1, s.StartLinePosition.Character + 1)),
            Is.All.EqualTo(("Wrong.expirables", 4, 11)));
    }

    // A misspelt key or state type is reported at that type in the .expirables file, both where the
    // generated code writes it (the Fetcher's type arguments and the property's).
    [TestCase("key Guidd; state Grant", 4, 9, false)]
    [TestCase("key Guidd; state Grant", 4, 9, true)]
    [TestCase("key Guid; state Grantt required", 4, 21, false)]
    [TestCase("key Guid; state Grantt required", 4, 21, true)]
    public void A_misspelt_key_or_state_type_is_a_CSharp_error_at_that_type(string options, int line, int column, bool realRuntime)
    {
        var text = $"namespace Samples.Shapes2\nopen System\nexpirable misfit : int <\n    {options}; fetch KeyedStatefulSources.Sync >\n";

        var errors = CompileVariant("Wrong.expirables", text, realRuntime).Where(d => d.Id == "CS0246").ToList();

        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors.Select(e => e.Location.GetMappedLineSpan()).Select(s => (s.Path, s.StartLinePosition.Line + 1, s.StartLinePosition.Character + 1)),
            Is.All.EqualTo(("Wrong.expirables", line, column)));
    }

    // Class names that are names of inherited members, or the base class's own name, still compile.
    [TestCase("FetchAsync")]
    [TestCase("GetAsync")]
    [TestCase("ClearAllAsync")]
    [TestCase("Create")]
    [TestCase("Runtime")]
    [TestCase("ModuleName")]
    [TestCase("ExpirableModule")]
    [TestCase("Fetcher")]
    [TestCase("@class")]
    [TestCase("required")]
    [TestCase("state")]
    [TestCase("PutStateAsync")]
    [TestCase("KeyedExpirable")]
    public void A_module_named_like_a_runtime_member_or_type_compiles_against_the_real_runtime(string module)
    {
        var text = "namespace Odd.Names\nmodule " + module + "\nexpirable key < fetch global::KeyVault.ApiKey >\n";
        var diagnostics = CompileVariant("Odd.expirables", text, realRuntime: true);

        Assert.That(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()), Is.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_misspelt_fetch_method_is_a_CSharp_error_at_its_expirables_position(bool realRuntime)
    {
        var text = File.ReadAllText(TestData.PathOf("Golden", "Tokens.expirables"))
            .Replace("fetch Fx.FetchUsdKrw", "fetch Fx.FetchUsdKrww", StringComparison.Ordinal);

        var error = CompileTokensVariant(text, realRuntime).Single(d => d.Severity == DiagnosticSeverity.Error);

        var mapped = error.Location.GetMappedLineSpan();
        Assert.That(error.Id, Is.EqualTo("CS0117"));
        Assert.That(mapped.Path, Is.EqualTo("Tokens.expirables"));
        // 'FetchUsdKrww' starts at line 15, column 14 (1-based) of Tokens.expirables.
        Assert.That((mapped.StartLinePosition.Line + 1, mapped.StartLinePosition.Character + 1), Is.EqualTo((15, 14)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_misspelt_type_is_a_CSharp_error_at_the_type_annotation(bool realRuntime)
    {
        var text = File.ReadAllText(TestData.PathOf("Golden", "Tokens.expirables"))
            .Replace("expirable fx_rate_usd_krw : decimal", "expirable fx_rate_usd_krw : decimall", StringComparison.Ordinal);

        // The type is written twice (Fetcher.For<T> and the property): both are mapped.
        var errors = CompileTokensVariant(text, realRuntime).Where(d => d.Id == "CS0246").ToList();

        Assert.That(errors, Has.Count.EqualTo(2));
        foreach (var error in errors)
        {
            var mapped = error.Location.GetMappedLineSpan();
            Assert.That(mapped.Path, Is.EqualTo("Tokens.expirables"));
            Assert.That((mapped.StartLinePosition.Line + 1, mapped.StartLinePosition.Character + 1), Is.EqualTo((14, 29)));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_fetch_method_of_the_wrong_value_type_is_a_CSharp_error_at_the_fetch_reference(bool realRuntime)
    {
        var text = File.ReadAllText(TestData.PathOf("Golden", "Tokens.expirables"))
            .Replace("expirable fx_rate_usd_krw : decimal", "expirable fx_rate_usd_krw : int", StringComparison.Ordinal);

        var errors = CompileTokensVariant(text, realRuntime).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors.Select(e => e.Location.GetMappedLineSpan()).Select(s => (s.Path, s.StartLinePosition.Line + 1)), Does.Contain(("Tokens.expirables", 15)));
    }

    [TestCase(@"C:\work\my app\Tokens.expirables")]
    [TestCase("/work/ünïcode/Tokens.expirables")]
    public void Line_directive_paths_are_written_so_CSharp_reads_them_back_unchanged(string path)
    {
        var source = new SourceFile(path, File.ReadAllText(TestData.PathOf("Golden", "Tokens.expirables"))
            .Replace("fetch Fx.FetchUsdKrw", "fetch Fx.Misspelt", StringComparison.Ordinal));
        var code = ExpirablesCompiler.Compile(source).GeneratedCode!;
        var tree = CSharpSyntaxTree.ParseText(code, GeneratedCSharp.ParseOptions, path: "Tokens.g.cs");
        Assert.That(tree.GetDiagnostics(), Is.Empty);

        var error = Compile(new[] { tree }).Single(d => d.Severity == DiagnosticSeverity.Error);

        Assert.That(error.Location.GetMappedLineSpan().Path, Is.EqualTo(path));
    }

    [Test]
    public void A_path_that_a_line_directive_cannot_hold_gets_no_line_directives()
    {
        var source = new SourceFile("/work/odd \"quoted\" dir/Tokens.expirables", File.ReadAllText(TestData.PathOf("Golden", "Tokens.expirables")));
        var code = ExpirablesCompiler.Compile(source).GeneratedCode!;

        Assert.That(code, Does.Not.Contain("#line"));
        Assert.That(CSharpSyntaxTree.ParseText(code, GeneratedCSharp.ParseOptions).GetDiagnostics(), Is.Empty);
        Assert.That(Compile(new[] { CSharpSyntaxTree.ParseText(code, GeneratedCSharp.ParseOptions) }).Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
    }

    private static List<Diagnostic> CompileTokensVariant(string text, bool realRuntime) => CompileVariant("Tokens.expirables", text, realRuntime);

    // The C# diagnostics of a text that check accepts, compiled as the golden sample of that name.
    private static List<Diagnostic> CompileVariant(string fileName, string text, bool realRuntime)
    {
        var result = GoldenTests.CompileSample(fileName, text);
        Assert.That(result.HasErrors, Is.False, string.Join("\n", result.Diagnostics));
        return Compile(new[] { CSharpSyntaxTree.ParseText(result.GeneratedCode!, GeneratedCSharp.ParseOptions, path: System.IO.Path.ChangeExtension(fileName, ".g.cs")) }, realRuntime);
    }

    private static List<Diagnostic> Compile(IEnumerable<SyntaxTree> generated, bool realRuntime = false) =>
        GeneratedCSharp.Build(generated, realRuntime);
}
