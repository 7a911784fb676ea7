using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Semantics;
using ExpirableStore.Compiler.Syntax;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

public sealed class NamingAndDurationTests
{
    [TestCase("github_access_token", "GithubAccessToken")]
    [TestCase("fxRate", "FxRate")]
    [TestCase("fx_rate", "FxRate")]
    [TestCase("__a__b__", "AB")]
    [TestCase("_2fa", "_2fa")]
    [TestCase("URL_value", "URLValue")]
    [TestCase("___", "")]
    public void Member_names(string declared, string member) =>
        Assert.That(Naming.MemberName(declared), Is.EqualTo(member));

    [TestCase("tokens", "Tokens")]
    [TestCase("fx-rates", "FxRates")]
    [TestCase("my.app_settings", "MyAppSettings")]
    [TestCase("2024-rates", "_2024Rates")]
    [TestCase("---", "Expirables")]
    public void Class_names_from_file_names(string fileName, string className) =>
        Assert.That(Naming.ClassNameFromFileName(fileName), Is.EqualTo(className));

    [TestCase("500ms", 500)]
    [TestCase("30s", 30_000)]
    [TestCase("5m", 300_000)]
    [TestCase("1h30m", 5_400_000)]
    [TestCase("2d", 172_800_000)]
    [TestCase("1d2h3m4s5ms", 93_784_005)]
    [TestCase("365d", 31_536_000_000)]
    [TestCase("007s", 7_000)]
    public void Valid_durations(string text, long milliseconds)
    {
        var diagnostics = new List<Diagnostic>();
        var value = Duration.Read(new DurationSyntax(text, default), "t.expirables", diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(value, Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.That(Duration.Read(new DurationSyntax(Duration.Format(value!.Value), default), "t", diagnostics), Is.EqualTo(value));
    }

    [TestCase("30", "EXP0003")]
    [TestCase("30x", "EXP0003")]
    [TestCase("1s30m", "EXP0003")]
    [TestCase("1s1s", "EXP0003")]
    [TestCase("1ms1s", "EXP0003")]
    [TestCase("1.5s", "EXP0003")]
    [TestCase("1S", "EXP0003")]
    [TestCase("0s", "EXP0004")]
    [TestCase("0h0m", "EXP0004")]
    [TestCase("366d", "EXP0004")]
    [TestCase("365d1ms", "EXP0004")]
    public void Invalid_durations(string text, string code)
    {
        var diagnostics = new List<Diagnostic>();

        Assert.That(Duration.Read(new DurationSyntax(text, default), "t.expirables", diagnostics), Is.Null);
        Assert.That(diagnostics, Has.Count.EqualTo(1));
        Assert.That(diagnostics[0].Code, Is.EqualTo(code));
    }
}
