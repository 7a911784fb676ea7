using System.Linq;
using ExpirableStore.Compiler.Formatting;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Cases a new user tries against docs/dsl.md that the per-code tests do not cover: each input is
/// checked for the exact diagnostics (code, line, column), none meaning a valid file.
/// </summary>
public sealed class ConformanceTests
{
    // Lexical rules: tabs are one column, a BOM takes none, CRLF/CR/LF each end one line.
    [TestCase("\texpirable\tb < fetch S.L; x >", "EXP0001@1,27")]
    [TestCase("\uFEFFexpirable a < fetch S.L; x >", "EXP0001@1,26")]
    [TestCase("expirable a < fetch S.L >\r\nexpirable b < fetch S.L; x >\r\n", "EXP0001@2,26")]
    [TestCase("expirable a < fetch S.L >\rexpirable b < fetch S.L; x >\r", "EXP0001@2,26")]
    [TestCase("expirable \u00e9 < fetch S.L >", "EXP0002@1,11")]
    [TestCase("expirable Fetch < fetch S.L >\nexpirable SCOPE < fetch S.@lazy >")]
    [TestCase("(* (* *) *) (*) *) expirable a < fetch S.L >")]
    [TestCase("expirable a < fetch S.L >\n  (* x\n (* y *)\n", "EXP0002@2,3")]
    [TestCase("expirable a < fetch S.L > // no line break at the end")]
    [TestCase("expirable a <\u00A0fetch S.L\u00A0>\uFEFFexpirable b < fetch S.L >")]
    [TestCase("expirable a < fetch S.L >\u2028", "EXP0002@1,26")]
    [TestCase("expirable a < fetch S.L // c", "EXP0001@1,29")]
    // Durations.
    [TestCase("expirable a < fetch S.L; timeout 500ms; refresh eager 1d2h3m4s5ms >")]
    [TestCase("expirable a < fetch S.L; timeout 8760h >")]
    [TestCase("expirable a < fetch S.L; timeout 365d0ms >")]
    [TestCase("expirable a < fetch S.L; timeout 365d1ms >", "EXP0004@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 525601m >", "EXP0004@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 99999999999999999999s >", "EXP0004@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 99999999999999999999999999999999999999999999ms >", "EXP0004@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 1m1h >", "EXP0003@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 1d1ms1ms >", "EXP0003@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 0ms >", "EXP0004@1,34")]
    [TestCase("expirable a < fetch S.L; timeout -1s >", "EXP0002@1,34")]
    [TestCase("expirable a < fetch S.L; timeout 30 s >", "EXP0003@1,34")]
    // Options and separators.
    [TestCase("expirable a < fetch S.L scope local >")]
    [TestCase("expirable a < fetch S.L ;; scope local >", "EXP0001@1,26")]
    [TestCase("expirable a < fetch S.L; refresh eager >", "EXP0001@1,40")]
    [TestCase("expirable a < fetch S.L; refresh lazy 30s >", "EXP0001@1,39")]
    [TestCase("expirable a < fetch S.L; refresh eager 1m; timeout 59s >")]
    [TestCase("expirable a < fetch S.L; refresh eager 1m; timeout 1m >", "EXP0202@1,52")]
    [TestCase("expirable a < fetch S.L; scope global >", "EXP0001@1,32")]
    // Headers and names.
    [TestCase("module @class\nnamespace A.@namespace.@lazy\nexpirable @fetch < fetch @lazy.@class >")]
    [TestCase("expirable a < fetch S.L >\nopen X\nnamespace Y", "EXP0106@2,1", "EXP0106@3,1")]
    [TestCase("module Tokens\nexpirable tokens < fetch S.L >\nexpirable get_type < fetch S.L >\nexpirable __ < fetch S.L >", "EXP0103@2,11", "EXP0103@3,11", "EXP0103@4,11")]
    [TestCase("expirable fx_rate < fetch S.L >\nexpirable FxRate < fetch S.L >\nexpirable fx__rate < fetch S.L >", "EXP0102@2,11", "EXP0102@3,11")]
    // Types, 'global::' included.
    [TestCase("expirable a : (int a, string b) < fetch S.L >\nexpirable b : List<int>[]? < fetch S.L >\nexpirable c : byte[]? < fetch S.L >")]
    [TestCase("expirable i : global::System.Uri < fetch global::S.L >")]
    [TestCase("expirable j : Dictionary<global::System.Uri, (global::A.B x, int)> < fetch global::S.@class >")]
    [TestCase("expirable a < fetch global:: >", "EXP0001@1,30")]
    [TestCase("expirable global < fetch global.L >")]
    [TestCase("namespace global::A\nexpirable a < fetch S.L >", "EXP0001@1,11")]
    // A class named like a member it declares does not compile (CS0542).
    [TestCase("module Definitions\nexpirable a < fetch S.L >", "EXP0103@1,8")]
    [TestCase("module @Definitions\nexpirable a < fetch S.L >", "EXP0103@1,8")]
    [TestCase("module FetchAsync\nexpirable a < fetch S.L >")]
    public void Diagnostics_are_exactly(string text, params string[] expected)
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("case.expirables", text));

        Assert.That(diagnostics.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(expected));
    }

    [Test]
    public void A_class_name_from_the_file_name_or_the_caller_that_is_Definitions_is_EXP0103_at_1_1()
    {
        var fromFile = ExpirablesCompiler.Check(new SourceFile("definitions.expirables", "expirable a < fetch S.L >"));
        var fromCaller = ExpirablesCompiler.Check(new SourceFile("x.expirables", "expirable a < fetch S.L >"), new CompilerOptions { ClassName = "Definitions" });

        Assert.That(fromFile.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(new[] { "EXP0103@1,1" }));
        Assert.That(fromCaller.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(new[] { "EXP0103@1,1" }));
        Assert.That(fromFile.Single().Message, Does.Contain("'Definitions'"));
    }

    // A character outside the BMP is one character (a surrogate pair), shown as itself, and two
    // columns (UTF-16 code units) wide; U+FFFD is shown by its code.
    [TestCase("expirable a < fetch S.L > \U0001F600 expirable b < >", "invalid character '\U0001F600'", 27, 40)]
    [TestCase("expirable a < fetch S.L > \U0001F600\U0001F600 expirable b < >", "invalid characters '\U0001F600' '\U0001F600'", 27, 42)]
    [TestCase("expirable a < fetch S.L > \uFFFD expirable b < >", "invalid character U+FFFD", 27, 39)]
    public void Invalid_characters_are_described_as_characters(string text, string message, int column, int nextColumn)
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("case.expirables", text));

        Assert.That(diagnostics[0].Message, Is.EqualTo(message));
        Assert.That(diagnostics[0].Column, Is.EqualTo(column));
        Assert.That(diagnostics[1].Column, Is.EqualTo(nextColumn));
    }

    [Test]
    public void A_missing_name_after_global_alias_is_reported_as_a_name_not_as_the_alias()
    {
        var diagnostic = ExpirablesCompiler.Check(new SourceFile("case.expirables", "expirable a < fetch global:: >")).Single();

        Assert.That(diagnostic.Message, Is.EqualTo("expected a name but found '>'"));
    }

    [TestCase("expirable i : global::System.Uri < fetch global::S.L >", "global::System.Uri", "global::S.L")]
    [TestCase("expirable i : Dictionary< global::A.B ,int > < fetch global::S.class >", "Dictionary<global::A.B, int>", "global::S.@class")]
    public void Global_alias_is_kept_in_the_generated_code(string text, string type, string fetch)
    {
        var result = ExpirablesCompiler.Compile(new SourceFile("case.expirables", text));

        Assert.That(result.HasErrors, Is.False);
        Assert.That(result.GeneratedCode, Does.Contain("valueType: \"" + type + "\""));
        Assert.That(result.GeneratedCode, Does.Contain(fetch + "\n"));
    }

    [TestCase("expirable i :   global::System.Uri<int>[] <fetch   global::S.L>")]
    [TestCase("(*a*)expirable(*b*)x(*c*):(*d*)global::List(*e*)<(*f*)int(*g*)>(*h*)<(*i*)fetch(*j*)global::S(*k*).(*l*)L(*m*);(*n*)scope(*o*)local(*p*)>(*q*)\r\n")]
    public void Formatting_global_alias_is_idempotent_and_keeps_it_attached(string text)
    {
        var once = ExpirablesFormatter.Format(new SourceFile("case.expirables", text));
        Assert.That(once.HasErrors, Is.False);
        var twice = ExpirablesFormatter.Format(new SourceFile("case.expirables", once.FormattedText!));

        Assert.That(twice.FormattedText, Is.EqualTo(once.FormattedText));
        Assert.That(once.FormattedText, Does.Contain("global::S"));
        Assert.That(once.FormattedText, Does.Not.Contain("global:: "));
    }
}
