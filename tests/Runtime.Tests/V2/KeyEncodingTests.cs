using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ExpirableStore.Internal;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>The bucket-key token of a runtime key: NATS-safe, one subject token, injective.</summary>
public sealed class KeyEncodingTests
{
    private static readonly Regex Safe = new("^[A-Za-z0-9_/-]+$", RegexOptions.CultureInvariant);

    private static readonly string[] Tricky =
    [
        string.Empty, "_", "__", "a", "A", "a.b", "a_2Eb", "a_2eb", "a b", "a_20b", "a/b", "a/002Fb", "a*b", "a>b",
        "é", "e\u0301", "日本", "/65E5/672C", "\uD800", "\uFFFD", "\uD83D\uDE00", "-", "--", "0", "tenant-42",
        new string('x', 128), new string('x', 129), new string('x', 1000), new string('x', 999) + "y", new string('é', 100),
    ];

    [Test]
    public void Every_token_is_one_nats_safe_subject_token()
    {
        foreach (var key in Tricky)
        {
            var token = KeyEncoding.EncodeString(key);
            Assert.That(token, Does.Match(Safe), $"'{key}'");
            Assert.That(token.Length, Is.LessThanOrEqualTo(KeyEncoding.MaxTokenLength + 2), $"'{key}'");
        }
    }

    [Test]
    public void Different_strings_get_different_tokens()
    {
        var tokens = Tricky.Select(KeyEncoding.EncodeString).ToList();
        Assert.That(tokens.Distinct().Count(), Is.EqualTo(Tricky.Length), string.Join(" ", tokens));
    }

    [Test]
    public void Different_strings_get_different_tokens_over_many_random_strings()
    {
        var random = new Random(10);
        var alphabet = "aZ0-_./ é日\uD800\uFFFD.".ToCharArray();
        var seen = new Dictionary<string, string>();
        for (var i = 0; i < 50_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var token = KeyEncoding.EncodeString(text);
            if (seen.TryGetValue(token, out var earlier))
            {
                Assert.That(earlier, Is.EqualTo(text), $"'{earlier}' and '{text}' share '{token}'");
            }

            seen[token] = text;
        }
    }

    [Test]
    public void Readable_keys_stay_readable_and_long_ones_are_hashed()
    {
        Assert.That(KeyEncoding.EncodeString("tenant-42"), Is.EqualTo("tenant-42"));
        Assert.That(KeyEncoding.EncodeString("acme.example.com"), Is.EqualTo("acme_2Eexample_2Ecom"));
        Assert.That(KeyEncoding.EncodeString("a b"), Is.EqualTo("a_20b"));
        Assert.That(KeyEncoding.EncodeString("é"), Is.EqualTo("_E9"));
        Assert.That(KeyEncoding.EncodeString("日"), Is.EqualTo("/65E5"));
        Assert.That(KeyEncoding.EncodeString(string.Empty), Is.EqualTo("_"));
        Assert.That(KeyEncoding.EncodeString(new string('x', 1000)), Does.Match("^__[0-9A-F]{64}$"));
    }

    [Test]
    public void Other_key_types_are_written_invariantly()
    {
        var guid = Guid.Parse("6F9619FF-8B86-D011-B42D-00C04FC964FF");
        Assert.That(KeyEncoding.Encode(guid), Is.EqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
        Assert.That(KeyEncoding.Encode(-42), Is.EqualTo("-42"));
        Assert.That(KeyEncoding.Encode(ulong.MaxValue), Is.EqualTo("18446744073709551615"));
        Assert.That(KeyEncoding.Encode(Int128.MinValue), Is.EqualTo(Int128.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(KeyEncoding.Encode(true), Is.EqualTo("true"));
        Assert.That(KeyEncoding.Encode('.'), Is.EqualTo("_2E"));
        Assert.That(KeyEncoding.Encode(DayOfWeek.Friday), Is.EqualTo("5"));
    }

    [TestCase(typeof(string), true)]
    [TestCase(typeof(Guid), true)]
    [TestCase(typeof(int), true)]
    [TestCase(typeof(long), true)]
    [TestCase(typeof(byte), true)]
    [TestCase(typeof(UInt128), true)]
    [TestCase(typeof(DayOfWeek), true)]
    [TestCase(typeof(bool), true)]
    [TestCase(typeof(char), true)]
    [TestCase(typeof(double), false)]
    [TestCase(typeof(decimal), false)]
    [TestCase(typeof(DateTime), false)]
    [TestCase(typeof(Uri), false)]
    [TestCase(typeof(Grant), false)]
    public void Supported_key_types(Type type, bool supported) =>
        Assert.That(KeyEncoding.IsSupported(type), Is.EqualTo(supported));
}
