using System.Linq;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// A syntax error hides nothing after it: wherever it is (before the first header, between items,
/// at the start of an option list or after an option), the parser reports it once and goes on at
/// the next item (or option), so every later mistake is reported too, and nothing false is added.
/// </summary>
public sealed class ErrorRecoveryTests
{
    [TestCase("namepsace Acme.Auth\nexpirable a < >\nexpirable b < fetch S.L; foo >", "EXP0001@1,1", "EXP0104@2,11", "EXP0001@3,26")]
    [TestCase("foo bar\nexpirable a < >", "EXP0001@1,1", "EXP0104@2,11")]
    [TestCase("foo bar baz qux\nnamespace Acme\nexpirable a < fetch S.L; timeout 30x >", "EXP0001@1,1", "EXP0003@3,34")]
    [TestCase("namepsace Acme\nmodule Tokens\nexpirable tokens < fetch S.L >", "EXP0001@1,1", "EXP0103@3,11")]
    [TestCase("< > ; :\nexpirable a < >", "EXP0001@1,1", "EXP0104@2,11")]
    public void Junk_before_the_first_item_is_one_error_and_everything_after_it_is_checked(string text, params string[] expected) =>
        AssertDiagnostics(text, expected);

    [TestCase("expirable a < fetch S.L >\nnamepsace Acme.Auth\nexpirable b < >\nexpirable c < fetch S.L; foo >", "EXP0001@2,1", "EXP0104@3,11", "EXP0001@4,26")]
    [TestCase("expirable a < fetch S.L >\nfoo bar", "EXP0001@2,1")]
    public void Junk_between_items_is_one_error_and_everything_after_it_is_checked(string text, params string[] expected) =>
        AssertDiagnostics(text, expected);

    [TestCase("expirable a < foo bar fetch S.L; scope lokal >", "EXP0001@1,15", "EXP0001@1,40")]
    [TestCase("expirable a < foo bar >\nexpirable b < >", "EXP0001@1,15", "EXP0104@2,11")]
    [TestCase("expirable a < fetch S.L; foo bar scope lokal >", "EXP0001@1,26", "EXP0001@1,40")]
    public void Junk_in_an_option_list_is_one_error_and_the_options_after_it_are_read(string text, params string[] expected) =>
        AssertDiagnostics(text, expected);

    [Test]
    public void A_misspelt_first_keyword_does_not_hide_the_module_header_after_it()
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("case.expirables", "namepsace Acme\nmodule Tokens\nexpirable tokens < fetch S.L >"));

        Assert.That(diagnostics.Select(d => d.Code), Does.Not.Contain("EXP0201"));
        Assert.That(diagnostics.Single(d => d.Code == "EXP0103").Message, Does.Contain("'Tokens', the name of the generated class"));
    }

    private static void AssertDiagnostics(string text, string[] expected)
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("case.expirables", text));

        Assert.That(diagnostics.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(expected), string.Join("\n", diagnostics));
    }
}
