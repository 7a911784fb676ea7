using System.Collections.Generic;
using System.IO;
using System.Linq;
using ExpirableStore.Compiler.Formatting;
using ExpirableStore.Compiler.Syntax;
using ExpirableStore.Compiler.Parsing.Internal;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>The formatter's promises (idempotent, lossless, canonical), on every valid input the repository has.</summary>
public sealed class FormatterTests
{
    public static IEnumerable<TestCaseData> ValidInputs() =>
        TestData.ValidInputs().Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetRelativePath(Repository.Root, f)));

    [TestCaseSource(nameof(ValidInputs))]
    public void Formatting_is_idempotent_and_keeps_the_syntax_tree_and_every_comment(string path)
    {
        var source = SourceFile.Load(path);

        var once = Format(source);
        var twice = Format(new SourceFile(path, once));

        Assert.That(twice, Is.EqualTo(once), "format(format(x)) == format(x)");
        var original = SyntaxTree.Parse(source);
        var formatted = SyntaxTree.Parse(new SourceFile(path, once));
        Assert.That(formatted.Diagnostics, Is.Empty);
        Assert.That(formatted.IsEquivalentTo(original), Is.True, "same declarations, in the same order");
        Assert.That(Comments(formatted), Is.EqualTo(Comments(original).Select(c => c.StartsWith("//", System.StringComparison.Ordinal) ? c.TrimEnd() : c)), "every comment, in order");
        Assert.That(ExpirablesCompiler.Check(new SourceFile(path, once)).Select(d => d.Code), Is.EqualTo(ExpirablesCompiler.Check(source).Select(d => d.Code)));
    }

    [TestCaseSource(nameof(ValidInputs))]
    public void Line_ends_and_byte_order_marks_do_not_change_the_result(string path)
    {
        var text = SourceFile.Load(path).Text;
        var expected = Format(new SourceFile(path, text));

        Assert.That(Format(new SourceFile(path, text.Replace("\n", "\r\n"))), Is.EqualTo(expected));
        Assert.That(Format(new SourceFile(path, "\uFEFF" + text.Replace("\n", "\r"))), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(ValidInputs))]
    public void The_output_is_in_canonical_shape(string path)
    {
        var formatted = Format(SourceFile.Load(path));

        Assert.That(formatted, Does.EndWith("\n").And.Not.EndWith("\n\n"));
        Assert.That(formatted, Does.Not.Contain("\r").And.Not.Contain("\t").And.Not.Contain("\n\n\n"));
        Assert.That(formatted.Split('\n').Where(l => l.Length > 0 && !l.TrimStart().StartsWith("(*", System.StringComparison.Ordinal)), Has.None.EndsWith(" "));
    }

    [Test]
    public void The_layout_is_the_documented_one()
    {
        var input = SourceFile.Load(TestData.PathOf("Format", "layout.input.expirables"));
        var expected = File.ReadAllText(TestData.PathOf("Format", "layout.expected.expirables"));

        Assert.That(Format(input), Is.EqualTo(expected));
    }

    [Test]
    public void The_layout_of_the_version_2_options_is_the_documented_one()
    {
        var input = SourceFile.Load(TestData.PathOf("Format", "version2.input.expirables"));
        var expected = File.ReadAllText(TestData.PathOf("Format", "version2.expected.expirables"));

        Assert.That(Format(input), Is.EqualTo(expected));
        Assert.That(expected, Does.Contain("\n    state PartnerGrant required\n"), "'required' stays with its state, one space after the type");
        Assert.That(expected, Does.Contain("\n    key (string region, int year)\n"), "a key type is spaced as a type annotation");
    }

    [Test]
    public void Comments_stay_beside_the_tokens_they_annotate()
    {
        var formatted = Format(SourceFile.Load(TestData.PathOf("Format", "comments.expirables")));
        var lines = formatted.Split('\n');

        Assert.That(lines, Has.Some.EqualTo("namespace Acme.Billing // trailing on a header"));
        Assert.That(lines, Has.Some.EqualTo("    fetch Billing. (* inside a qualified name *) Invoices.FetchToken // after a separator"));
        Assert.That(lines, Has.Some.EqualTo("> // after the closing bracket"));
        Assert.That(formatted, Does.Contain("// Leading comment of a declaration.\n// Second line of it.\nexpirable invoice_token // trailing after the name\n"));
        Assert.That(formatted, Does.Contain("    // before the closing bracket\n>"));
        Assert.That(formatted, Does.Contain("\n\n    // after two blank lines\n    refresh eager 1h30m (* trailing block *)\n"), "blank lines before a comment are kept, collapsed to one");
        Assert.That(formatted, Does.StartWith("(* A file header in a block comment,\n   over two lines. *)\n\n// and a line comment"));
        Assert.That(formatted, Does.EndWith("(* at the end, on its own line *)\n\n// last words\n"));
    }

    [Test]
    public void A_file_with_syntax_errors_is_not_formatted()
    {
        var result = ExpirablesFormatter.Format(new SourceFile("bad.expirables", "expirable a < fetch >\n"));

        Assert.That(result.HasErrors, Is.True);
        Assert.That(result.FormattedText, Is.Null);
        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EXP0001" }));
    }

    [TestCase("", "")]
    [TestCase("\n\n  \n", "")]
    [TestCase("// only a comment", "// only a comment\n")]
    [TestCase("(* a *) (* b *)\n\n\n// c   \n", "(* a *) (* b *)\n\n// c\n")]
    public void Files_without_declarations(string input, string expected)
    {
        Assert.That(Format(new SourceFile("empty.expirables", input)), Is.EqualTo(expected));
    }

    private static string Format(SourceFile source)
    {
        var result = ExpirablesFormatter.Format(source);
        Assert.That(result.Diagnostics, Is.Empty, () => string.Join("\n", result.Diagnostics));
        return result.FormattedText!;
    }

    private static string[] Comments(SyntaxTree tree) =>
        tree.Tokens.Where(t => t.Channel == ExpirablesLexer.COMMENTS).Select(t => t.Text.Replace("\r\n", "\n").Replace('\r', '\n')).ToArray();
}
