using System.Linq;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// One mistake gets one diagnostic: an invalid character, an unclosed or stray comment, a dotted
/// module name, a duration with a space inside, a name with a non-ASCII letter or a '-' are each
/// reported once, where they are, and the parser's confusion that follows them is not reported
/// again as a syntax error.
/// </summary>
public sealed class OneMistakeOneDiagnosticTests
{
    [TestCase("expirable aééb < fetch S.L >", "EXP0002@1,12")]
    [TestCase("expirable a-b < fetch S.L >", "EXP0002@1,12")]
    [TestCase("expirable é < fetch S.L >", "EXP0002@1,11")]
    [TestCase("expirable a\U0001F600b < fetch S.L >", "EXP0002@1,12")]
    [TestCase("expirable # < fetch S.L >", "EXP0002@1,11")]
    [TestCase("expirable a < fetch S.@ >", "EXP0002@1,23")]
    [TestCase("expirable a < fetch S.Lé >", "EXP0002@1,24")]
    [TestCase("namespace Acme.Aüth\nexpirable a < fetch S.L >", "EXP0002@1,17")]
    [TestCase("expirable a < fetch S.L; tim€out 30s >", "EXP0002@1,29")]
    [TestCase("expirable a < fetch S.L > # foo", "EXP0002@1,27")]
    public void An_invalid_character_is_one_diagnostic(string text, string expected) => AssertSingle(text, expected);

    [TestCase("expirable a < fetch S.L > *)", "EXP0002@1,27")]
    [TestCase("expirable a < fetch S.L *) >", "EXP0002@1,25")]
    [TestCase("(* x", "EXP0002@1,1")]
    [TestCase("expirable a < fetch S.L (* x", "EXP0002@1,25")]
    [TestCase("expirable a < fetch S.L; timeout (* 30s >", "EXP0002@1,34")]
    public void A_comment_opened_or_closed_alone_is_one_diagnostic(string text, string expected) => AssertSingle(text, expected);

    [TestCase("module A.B\nexpirable a < fetch S.L >", "EXP0001@1,9")]
    [TestCase("module A.B.C\nexpirable b < fetch S.L >", "EXP0001@1,9")]
    [TestCase("module\nexpirable a < fetch S.L >", "EXP0001@2,1")]
    public void A_module_name_that_is_not_one_name_is_one_diagnostic(string text, string expected) =>
        AssertSingle(text, expected, fileName: "a.expirables");

    [TestCase("expirable a < fetch S.L; timeout 30 s >", "EXP0003@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 1h 30m >", "EXP0003@1,34")]
    [TestCase("expirable a < fetch S.L; refresh eager 30 s >", "EXP0003@1,40")]
    [TestCase("expirable a < fetch S.L; timeout 30 seconds; scope local >", "EXP0003@1,34")]
    public void A_duration_with_a_space_inside_is_one_diagnostic(string text, string expected) => AssertSingle(text, expected);

    [TestCase("foo bar", "EXP0001@1,1")]
    [TestCase("namepsace Acme.Auth", "EXP0001@1,1")]
    public void A_file_whose_only_content_is_a_mistake_gets_no_empty_file_warning_besides(string text, string expected) => AssertSingle(text, expected);

    [Test]
    public void Messages_name_the_whole_word_and_what_a_name_may_hold()
    {
        var accent = ExpirablesCompiler.Check(new SourceFile("case.expirables", "expirable aééb < fetch S.L >")).Single();
        var dash = ExpirablesCompiler.Check(new SourceFile("case.expirables", "expirable a-b < fetch S.L >")).Single();
        var stray = ExpirablesCompiler.Check(new SourceFile("case.expirables", "expirable a < fetch S.L > *)")).Single();
        var module = ExpirablesCompiler.Check(new SourceFile("case.expirables", "module A.B\nexpirable a < fetch S.L >")).Single();
        var spaced = ExpirablesCompiler.Check(new SourceFile("case.expirables", "expirable a < fetch S.L; timeout 1h 30m >")).Single();

        Assert.That(accent.Message, Is.EqualTo("invalid characters 'é' 'é' in 'aééb': names have only ASCII letters, digits and '_'"));
        Assert.That(dash.Message, Is.EqualTo("invalid character '-' in 'a-b': names have only ASCII letters, digits and '_'"));
        Assert.That(stray.Message, Is.EqualTo("'*)' closes no comment: there is no '(*' before it"));
        Assert.That(module.Message, Is.EqualTo("a module name is one name, and 'A.B' has dots: write 'namespace A' and 'module B'"));
        Assert.That(spaced.Message, Is.EqualTo("malformed duration '1h 30m': a duration has no spaces inside; write '1h30m'"));
    }

    [TestCase("expirable a < fetch S.L > $\nexpirable b < >", "EXP0002@1,27", "EXP0104@2,11")]
    [TestCase("expirable a < fetch S.L > $\nexpirable b < fetch >", "EXP0002@1,27", "EXP0001@2,21")]
    public void Separate_mistakes_are_still_each_reported(string text, params string[] expected)
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("case.expirables", text));

        Assert.That(diagnostics.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(expected), string.Join("\n", diagnostics));
    }

    private static void AssertSingle(string text, string expected, string fileName = "case.expirables")
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile(fileName, text));

        Assert.That(diagnostics.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(new[] { expected }), string.Join("\n", diagnostics));
    }
}
