using System;
using System.Collections.Generic;
using System.Linq;
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

    // Counts whose product with the unit overflows a 64-bit number of milliseconds must not wrap
    // around into range: 640511947004d is 2^64 ms plus about 4.7 hours.
    [TestCase("640511947004d")]
    [TestCase("106751991167301d")]
    [TestCase("999999999999h")]
    [TestCase("999999999999m")]
    [TestCase("999999999999s")]
    [TestCase("640511947004d1ms")]
    [TestCase("365d999999999999ms")]
    public void Durations_whose_milliseconds_overflow_are_out_of_range_not_wrapped(string text)
    {
        var diagnostics = new List<Diagnostic>();

        Assert.That(Duration.Read(new DurationSyntax(text, default), "t.expirables", diagnostics), Is.Null);
        Assert.That(diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EXP0004" }));
    }

    [Test]
    public void Every_duration_is_in_range_exactly_when_its_exact_value_is()
    {
        var random = new Random(7);
        var units = new[] { ("d", 86_400_000m), ("h", 3_600_000m), ("m", 60_000m), ("s", 1_000m), ("ms", 1m) };
        var maximum = 365m * 86_400_000m;
        for (var i = 0; i < 20_000; i++)
        {
            var text = new System.Text.StringBuilder();
            var exact = 0m;
            foreach (var (unit, size) in units)
            {
                if (random.Next(3) != 0)
                {
                    continue;
                }

                // Counts of 1 to 18 digits: from small ones to ones far past any 64-bit product.
                var digits = random.Next(1, 19);
                var count = digits < 3 ? random.Next(0, 1000) : (decimal)(random.NextDouble() * Math.Pow(10, digits));
                count = decimal.Truncate(count);
                text.Append(count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(unit);
                exact += count * size;
            }

            if (text.Length == 0)
            {
                continue;
            }

            var diagnostics = new List<Diagnostic>();
            var value = Duration.Read(new DurationSyntax(text.ToString(), default), "t.expirables", diagnostics);
            var inRange = exact > 0 && exact <= maximum;
            Assert.That(value is not null, Is.EqualTo(inRange), $"{text}: exact {exact} ms");
            if (inRange)
            {
                Assert.That((decimal)value!.Value.TotalMilliseconds, Is.EqualTo(exact), text.ToString());
            }
        }
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
