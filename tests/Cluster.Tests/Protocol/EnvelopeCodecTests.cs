using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

[TestFixture]
internal sealed class EnvelopeCodecTests
{
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000);

    private static ClusterEnvelope Value(byte[] data, DateTimeOffset? expiresAt = null) => new()
    {
        ValueId = "v1d",
        Data = data,
        ExpiresAt = expiresAt,
        FetchedBy = "node-a",
        FetchedAt = Expiry.AddMinutes(-5),
    };

    [Test]
    public void Round_trips_value_lease_failure_and_metadata()
    {
        var codec = new ClusterEnvelopeCodec();
        var envelope = Value(Encoding.UTF8.GetBytes("\"token\""), Expiry) with
        {
            Lease = new ClusterLease("node-b", "abc", TimeSpan.FromSeconds(10)),
            Abandoned = true,
            FailedLease = "def",
            Error = "upstream 503",
        };

        Assert.That(codec.TryDecode("a.b", codec.Encode("a.b", envelope), out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(envelope.Data));
        Assert.That(decoded with { Data = envelope.Data }, Is.EqualTo(envelope));
    }

    [Test]
    public void Round_trips_a_forever_value_and_a_lease_only_entry()
    {
        var codec = new ClusterEnvelopeCodec();
        Assert.That(codec.TryDecode("k", codec.Encode("k", Value([1, 2])), out var forever, out _), Is.True);
        Assert.That(forever.HasValue && forever.ExpiresAt is null, Is.True);
        Assert.That(forever.IsValidAt(DateTimeOffset.MaxValue.AddDays(-1)), Is.True);

        Assert.That(codec.TryDecode("k", codec.Encode("k", new ClusterEnvelope { Lease = new ClusterLease("n", "t", TimeSpan.FromSeconds(1)) }), out var leaseOnly, out _), Is.True);
        Assert.That(leaseOnly.HasValue, Is.False);
        Assert.That(leaseOnly.Lease, Is.Not.Null);
    }

    [TestCase("", "empty entry")]
    [TestCase("garbage \u0001\u0002", "not JSON")]
    [TestCase("[1,2,3]", "not a JSON object")]
    [TestCase("{\"foo\":1}", "no schema version")]
    [TestCase("{\"v\":3,\"h\":{}}", "unsupported schema version 3")]
    [TestCase("{\"v\":2,\"data\":\"AQ==\"}", "no header")]
    [TestCase("{\"v\":2,\"h\":{\"id\":\"x\"},\"data\":\"AQ==\"}", "value without expiry")]
    [TestCase("{\"v\":2,\"h\":{\"id\":\"x\",\"exp\":null}}", "value id without data")]
    [TestCase("{\"v\":2,\"h\":{},\"data\":\"AQ==\"}", "data without a value id")]
    [TestCase("{\"v\":2,\"h\":{},\"box\":\"AQ==\"}", "incomplete encrypted payload")]
    [TestCase("{\"v\":2,\"h\":{\"lease\":{\"holder\":\"x\"}}}", "invalid lease")]
    [TestCase("{\"v\":2,\"h\":{\"lease\":{\"holder\":\"x\",\"token\":\"t\",\"ms\":172800000}}}", "invalid lease")]
    [TestCase("{\"v\":1,\"data\":\"AQ==\"}", "value without expiry")]
    [TestCase("{\"v\":1,\"data\":\"not base64!\",\"exp\":null}", "invalid base64 or number")]
    [TestCase("{\"v\":\"1\"}", "unexpected JSON token type")]
    [TestCase("{\"v\":2,\"h\":{}} trailing", "not JSON")]
    public void Rejects_what_is_not_an_envelope(string text, string expectedReason)
    {
        var codec = new ClusterEnvelopeCodec();
        Assert.That(codec.TryDecode("k", Encoding.UTF8.GetBytes(text), out _, out var reason), Is.False);
        Assert.That(reason, Is.EqualTo(expectedReason));
    }

    [Test]
    public void Rejects_an_oversized_entry()
    {
        var codec = new ClusterEnvelopeCodec(maxEnvelopeBytes: 1024);
        Assert.That(codec.TryDecode("k", new byte[2048], out _, out var reason), Is.False);
        Assert.That(reason, Does.StartWith("oversized entry"));
    }

    [Test]
    public void Malformed_reasons_never_contain_the_value()
    {
        var codec = new ClusterEnvelopeCodec();
        var secret = "{\"v\":3,\"data\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("SECRET")) + "\",\"exp\":null}";
        Assert.That(codec.TryDecode("k", Encoding.UTF8.GetBytes(secret), out _, out var reason), Is.False);
        Assert.That(reason, Does.Not.Contain("SECRET").And.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("SECRET"))));
    }

    [Test]
    public void Encrypts_the_value_and_the_failure_text_at_rest_with_a_fresh_nonce_per_write()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var codec = new ClusterEnvelopeCodec(new ClusterValueProtector([key]));
        var plaintext = Encoding.UTF8.GetBytes("\"very secret token\"");
        var envelope = Value(plaintext, Expiry) with { FailedLease = "t", Error = "refresh token rt-SECRET-42 was rejected" };
        var bytes = codec.Encode("app.tokens.github", envelope);
        var text = Encoding.UTF8.GetString(bytes);

        Assert.That(text, Does.Not.Contain("very secret").And.Not.Contain(Convert.ToBase64String(plaintext)));
        Assert.That(text, Does.Not.Contain("rt-SECRET-42"), "a fetcher's error text may hold a secret");
        Assert.That(text, Does.Contain("\"enc\":\"" + ClusterValueProtector.KeyIdOf(key) + "\""));
        Assert.That(codec.TryDecode("app.tokens.github", bytes, out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(plaintext));
        Assert.That(decoded.Error, Is.EqualTo(envelope.Error));
        Assert.That(codec.Encode("app.tokens.github", envelope), Is.Not.EqualTo(bytes));
    }

    [TestCase("exp", "\"exp\":1900000000000", "\"exp\":4102444800000")]
    [TestCase("at", "\"at\":1899999700000", "\"at\":1899999700001")]
    [TestCase("by", "\"by\":\"node-a\"", "\"by\":\"node-z\"")]
    [TestCase("lease", "\"ms\":10000", "\"ms\":99999")]
    [TestCase("failed", "\"failed\":\"t\"", "\"failed\":\"u\"")]
    [TestCase("id", "\"id\":\"v1d\"", "\"id\":\"v2d\"")]
    public void Every_header_field_of_an_encrypted_entry_is_authenticated(string field, string original, string edited)
    {
        var codec = new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(32)]));
        var envelope = Value([1, 2, 3], Expiry) with { Lease = new ClusterLease("n", "l", TimeSpan.FromSeconds(10)), FailedLease = "t", Error = "e" };
        var text = Encoding.UTF8.GetString(codec.Encode("k", envelope));
        Assert.That(text, Does.Contain(original), field);

        var tampered = Encoding.UTF8.GetBytes(text.Replace(original, edited, StringComparison.Ordinal));
        Assert.That(codec.TryDecode("k", tampered, out _, out var reason), Is.False, $"an edited '{field}' must not be believed");
        Assert.That(reason, Does.Contain("does not authenticate"));
    }

    [Test]
    public void A_value_moved_under_another_key_does_not_authenticate()
    {
        var codec = new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(16)]));
        var bytes = codec.Encode("a.b.c", Value([1, 2, 3], Expiry));
        Assert.That(codec.TryDecode("a.b.other", bytes, out _, out var reason), Is.False);
        Assert.That(reason, Does.Contain("does not authenticate"));
    }

    [Test]
    public void An_entry_this_process_cannot_read_keeps_its_header_and_never_yields_a_value()
    {
        var writer = new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(16)]));
        var bytes = writer.Encode("k", Value([1, 2, 3], Expiry) with { Lease = new ClusterLease("n", "l", TimeSpan.FromSeconds(3)) });

        foreach (var reader in new[] { new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(16)])), new ClusterEnvelopeCodec() })
        {
            Assert.That(reader.TryDecode("k", bytes, out var unreadable, out var reason), Is.True, reason);
            Assert.That(unreadable.IsReadable, Is.False);
            Assert.That(unreadable.Data, Is.Null);
            Assert.That(unreadable.IsValidAt(Expiry.AddDays(-1)), Is.False, "never served");
            Assert.That(unreadable.ClaimsValidityBeyond(Expiry.AddDays(-1)), Is.True, "its expiry is honoured: not evicted");
            Assert.That(unreadable.Lease, Is.EqualTo(new ClusterLease("n", "l", TimeSpan.FromSeconds(3))), "its lease is honoured");
        }

        var plain = new ClusterEnvelopeCodec().Encode("k", Value([1], Expiry));
        Assert.That(writer.TryDecode("k", plain, out var untrusted, out _) && !untrusted.IsReadable && untrusted.Data is null, Is.True, "a plain value is not trusted when encryption is on");
    }

    [Test]
    public void Previous_keys_open_old_entries_and_the_current_key_seals_new_ones()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var old = new ClusterEnvelopeCodec(new ClusterValueProtector([oldKey])).Encode("k", Value([9]));
        var rotated = new ClusterEnvelopeCodec(new ClusterValueProtector([newKey, oldKey]));
        Assert.That(rotated.TryDecode("k", old, out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(new byte[] { 9 }));
        Assert.That(Encoding.UTF8.GetString(rotated.Encode("k", Value([9]))), Does.Contain(ClusterValueProtector.KeyIdOf(newKey)));
    }

    [Test]
    public void Schema_1_entries_already_in_a_bucket_are_read_plain_and_honoured_encrypted()
    {
        var plain = Encoding.UTF8.GetBytes("{\"v\":1,\"data\":\"" + Convert.ToBase64String([7]) + "\",\"exp\":1900000000000,\"by\":\"old\",\"at\":1899999000000,\"lease\":{\"holder\":\"h\",\"token\":\"t\",\"ms\":5000}}");
        var codec = new ClusterEnvelopeCodec();
        Assert.That(codec.TryDecode("k", plain, out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(new byte[] { 7 }));
        Assert.That(decoded.ExpiresAt, Is.EqualTo(Expiry));
        Assert.That(decoded.ValueId, Is.Not.Null, "identified across renewals by who fetched it and when");
        Assert.That(decoded.Lease!.Token, Is.EqualTo("t"));

        // Schema 1 did not authenticate its expiry: an encrypted schema-1 value is honoured but never served.
        var encrypted = Encoding.UTF8.GetBytes("{\"v\":1,\"data\":\"" + Convert.ToBase64String(new byte[40]) + "\",\"enc\":\"0a1b2c3d\",\"exp\":1900000000000}");
        var withKey = new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(32)]));
        Assert.That(withKey.TryDecode("k", encrypted, out var honoured, out reason), Is.True, reason);
        Assert.That(honoured is { IsReadable: false, Data: null, ExpiresAt: not null }, Is.True);
    }

    [Test]
    public void Encoded_envelopes_hold_no_value_in_their_readable_header()
    {
        // The header (readable by every process, whatever its keys) carries the expiry, never the value.
        var codec = new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(32)]));
        var text = Encoding.UTF8.GetString(codec.Encode("k", Value(Encoding.UTF8.GetBytes("SECRET"), Expiry)));
        var header = Regex.Match(text, "\"h\":(\\{[^}]*\\})").Groups[1].Value;
        Assert.That(header, Does.Contain("\"exp\":").And.Not.Contain("SECRET"));
    }

    [TestCase(15)]
    [TestCase(33)]
    public void Rejects_keys_of_the_wrong_size(int size) =>
        Assert.Throws<ArgumentException>(() => _ = new ClusterValueProtector([new byte[size]]));
}
