using System;
using System.IO;
using System.Linq;
using ExpirableStore.Compiler.Formatting;
using ExpirableStore.Tests.Support;

namespace ExpirableStore.Compiler.Tests;

/// <summary>Where the data files beside the tests are (read in place, so goldens can be rewritten).</summary>
internal static class TestData
{
    public static string Directory { get; } = Repository.PathOf("tests", "Compiler.Tests");

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Directory }.Concat(parts).ToArray());

    public static string[] Files(string folder, string pattern) =>
        System.IO.Directory.GetFiles(PathOf(folder), pattern).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    public static bool UpdateGolden => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    /// <summary>
    /// Every input the formatter accepts (no syntax errors, readable text) the tests know: the
    /// goldens, the diagnostic inputs that only have semantic errors, the formatter's data, the
    /// repository's samples.
    /// </summary>
    public static string[] ValidInputs() =>
        Files("Golden", "*.expirables")
            .Concat(Files("Format", "*.expirables"))
            .Concat(System.IO.Directory.GetFiles(Repository.PathOf("samples"), "*.expirables", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith("mistakes.expirables", StringComparison.Ordinal)))
            .Concat(Files("Diagnostics", "*.expirables").Where(f => !ExpirablesFormatter.Format(SourceFile.Load(f)).HasErrors))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
}
