using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// For each Golden/*.expirables, the generated code equals Golden/*.g.cs. Run with
/// UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
/// </summary>
public sealed class GoldenTests
{
    public const string VersionPlaceholder = "{compiler-version}";

    public static IEnumerable<TestCaseData> Samples() =>
        TestData.Files("Golden", "*.expirables").Select(f => new TestCaseData(Path.GetFileName(f)).SetName("Golden_" + Path.GetFileNameWithoutExtension(f)));

    /// <summary>Compiles a golden sample the way the tests always do: #line names the file only.</summary>
    public static CompilationResult CompileSample(string fileName, string? textOverride = null)
    {
        var path = TestData.PathOf("Golden", fileName);
        var source = textOverride is null ? SourceFile.Load(path) : new SourceFile(path, textOverride);
        var ns = Regex.Match(source.Text, @"test-namespace: (\w+)");
        var options = new CompilerOptions
        {
            DefaultNamespace = ns.Success ? ns.Groups[1].Value : null,
            LineDirectivePath = fileName,
        };
        return ExpirablesCompiler.Compile(source, options);
    }

    [TestCaseSource(nameof(Samples))]
    public void Generated_code_equals_the_expected_file(string fileName)
    {
        var result = CompileSample(fileName);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, "the sample must compile");
        var actual = result.GeneratedCode!.Replace($"\"{ExpirablesCompiler.Version}\"", $"\"{VersionPlaceholder}\"", StringComparison.Ordinal);
        var expectedPath = TestData.PathOf("Golden", Path.GetFileNameWithoutExtension(fileName) + ".g.cs");
        Assert.That(result.OutputFileName, Is.EqualTo(Path.GetFileName(expectedPath)));

        if (TestData.UpdateGolden)
        {
            File.WriteAllText(expectedPath, actual, new UTF8Encoding(false));
        }

        Assert.That(File.Exists(expectedPath), Is.True, $"missing {expectedPath}; run with UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(expectedPath);
        if (expected != actual)
        {
            Assert.Fail($"{fileName}: generated code differs from {Path.GetFileName(expectedPath)} (UPDATE_GOLDEN=1 rewrites it):\n{Diff(expected, actual)}");
        }
    }

    [TestCaseSource(nameof(Samples))]
    public void Generation_is_deterministic_and_independent_of_line_ends_and_bom(string fileName)
    {
        var text = File.ReadAllText(TestData.PathOf("Golden", fileName));
        var lf = CompileSample(fileName, text).GeneratedCode;
        var crlfWithBom = CompileSample(fileName, "\uFEFF" + text.Replace("\n", "\r\n", StringComparison.Ordinal)).GeneratedCode;
        Assert.That(lf, Is.Not.Null);
        Assert.That(crlfWithBom, Is.EqualTo(lf));
        Assert.That(lf, Does.Not.Contain("\r"));
    }

    // A line diff, enough to see what changed: first difference with context, then the count.
    internal static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var first = 0;
        while (first < e.Length && first < a.Length && e[first] == a[first])
        {
            first++;
        }

        var builder = new StringBuilder();
        builder.Append("first difference at line ").Append(first + 1).AppendLine(":");
        for (var i = Math.Max(0, first - 2); i < Math.Min(Math.Max(e.Length, a.Length), first + 6); i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el == al)
            {
                builder.AppendLine("  " + el);
            }
            else
            {
                builder.AppendLine("- " + el);
                builder.AppendLine("+ " + al);
            }
        }

        return builder.ToString();
    }
}
