using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ExpirableStore.Compiler.Diagnostics;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Each Diagnostics/*.expirables file lists the diagnostics it must produce in comment lines
/// <c>// expect: CODE line,column [message]</c>; the compiler must report exactly those (a file
/// without any expects none). File names start with the code they are about.
/// </summary>
public sealed class DiagnosticTests
{
    private static readonly Regex ExpectLine = new(@"^// expect: (?<code>EXP\d{4}) (?<line>\d+),(?<column>\d+)(?: (?<message>.*))?$", RegexOptions.Multiline);

    public static IEnumerable<TestCaseData> Cases() =>
        TestData.Files("Diagnostics", "*.expirables").Select(f => new TestCaseData(Path.GetFileName(f)).SetName("Diagnostics_" + Path.GetFileNameWithoutExtension(f)));

    [TestCaseSource(nameof(Cases))]
    public void The_file_produces_exactly_the_expected_diagnostics(string fileName)
    {
        var source = SourceFile.Load(TestData.PathOf("Diagnostics", fileName));
        var expected = Expectations(source.Text);

        var actual = ExpirablesCompiler.Compile(source).Diagnostics;

        var actualKeys = actual.Select(d => $"{d.Code} {d.Line},{d.Column}").ToList();
        Assert.That(actualKeys, Is.EqualTo(expected.Select(e => $"{e.Code} {e.Line},{e.Column}").ToList()),
            "diagnostics were:\n" + string.Join("\n", actual));
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].Message is { } message)
            {
                Assert.That(actual[i].Message, Is.EqualTo(message), actual[i].ToString());
            }

            Assert.That(actual[i].FilePath, Is.EqualTo(source.Path));
            Assert.That((actual[i].EndLine, actual[i].EndColumn), Is.GreaterThanOrEqualTo((actual[i].Line, actual[i].Column)));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Positions_do_not_change_with_a_byte_order_mark_and_CRLF_line_ends(string fileName)
    {
        var text = File.ReadAllText(TestData.PathOf("Diagnostics", fileName)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var lf = ExpirablesCompiler.Check(new SourceFile(fileName, text));
        var crlf = ExpirablesCompiler.Check(new SourceFile(fileName, "\uFEFF" + text.Replace("\n", "\r\n", StringComparison.Ordinal)));

        Assert.That(crlf.Select(d => d.ToString()), Is.EqualTo(lf.Select(d => d.ToString())));
        Assert.That(crlf.Select(d => (d.EndLine, d.EndColumn)), Is.EqualTo(lf.Select(d => (d.EndLine, d.EndColumn))));
    }

    [Test]
    public void Every_code_of_the_language_has_a_test_file()
    {
        var tested = TestData.Files("Diagnostics", "*.expirables")
            .SelectMany(f => Expectations(File.ReadAllText(f)))
            .Select(e => e.Code)
            .ToHashSet();
        // EXP0199 is the compiler failing (no input is meant to cause it); EXP09xx are reported by the
        // MSBuild task and the CLI about files as a whole, and tested there.
        var untested = DiagnosticBuilder.All.Select(d => d.Code)
            .Where(c => c != "EXP0199" && !c.StartsWith("EXP09", StringComparison.Ordinal) && !tested.Contains(c));
        Assert.That(untested, Is.Empty);
    }

    [Test]
    public void The_canonical_form_is_what_MSBuild_understands()
    {
        var diagnostic = ExpirablesCompiler.Check(new SourceFile("dir/Tokens.expirables", "\nexpirable github < scope local >\n")).Single();
        Assert.That(diagnostic.ToString(), Is.EqualTo("dir/Tokens.expirables(2,11): error EXP0104: expirable 'github' has no 'fetch' option"));
        Assert.That((diagnostic.EndLine, diagnostic.EndColumn), Is.EqualTo((2, 17)));
        Assert.That(diagnostic.HelpUri, Does.EndWith("#exp0104"));
    }

    [Test]
    public void Lone_CR_line_ends_count_as_line_breaks()
    {
        var diagnostic = ExpirablesCompiler.Check(new SourceFile("t.expirables", "// x\rexpirable a < >\r")).Single();
        Assert.That((diagnostic.Code, diagnostic.Line, diagnostic.Column), Is.EqualTo(("EXP0104", 2, 11)));
    }

    [Test]
    public void A_file_with_errors_generates_no_code_and_a_warning_only_file_does()
    {
        var broken = ExpirablesCompiler.Compile(new SourceFile("a.expirables", "expirable a < >"));
        var warned = ExpirablesCompiler.Compile(new SourceFile("b.expirables", "expirable a < fetch S.L; refresh eager 1s; timeout 1s >"));

        Assert.That((broken.HasErrors, broken.GeneratedCode), Is.EqualTo((true, (string?)null)));
        Assert.That(warned.HasErrors, Is.False);
        Assert.That(warned.Diagnostics.Single().Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(warned.GeneratedCode, Does.Contain("class B "));
    }

    private static List<(string Code, int Line, int Column, string? Message)> Expectations(string text) =>
        ExpectLine.Matches(text.Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(m => (
                m.Groups["code"].Value,
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["message"].Success ? m.Groups["message"].Value : null))
            .OrderBy(e => e.Item2).ThenBy(e => e.Item3)
            .ToList();
}
