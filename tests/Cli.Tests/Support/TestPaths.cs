using System;
using System.IO;
using System.Linq;
using System.Reflection;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Cli.Tests.Support;

/// <summary>Where the data files are: beside the tests, in the compiler's tests, in samples/.</summary>
internal static class TestPaths
{
    public static string TestData { get; } = Metadata("TestDataDirectory");

    public static string RepoRoot { get; } = Metadata("RepoRoot");

    public static string Samples { get; } = Path.Combine(RepoRoot, "samples", "expirables");

    public static string CompilerGolden { get; } = Path.Combine(RepoRoot, "tests", "Compiler.Tests", "Golden");

    public static string CompilerDiagnostics { get; } = Path.Combine(RepoRoot, "tests", "Compiler.Tests", "Diagnostics");

    /// <summary>
    /// Every input without syntax errors the tests know: the compiler's goldens and its diagnostic
    /// inputs that only have semantic errors, the samples, our format data.
    /// </summary>
    public static string[] ValidInputs() =>
        Directory.GetFiles(CompilerGolden, "*.expirables")
            .Concat(Directory.GetFiles(Path.Combine(TestData, "Format"), "*.expirables"))
            .Concat(Directory.GetFiles(Samples, "*.expirables", SearchOption.AllDirectories).Where(f => !f.EndsWith("mistakes.expirables", StringComparison.Ordinal)))
            .Concat(Directory.GetFiles(CompilerDiagnostics, "*.expirables").Where(f => !SyntaxTree.Parse(SourceFile.Load(f)).HasErrors))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
