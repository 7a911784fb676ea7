using System;
using System.Security.Cryptography;
using System.Text;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

[TestFixture]
internal sealed class EnvelopeCodecTests
{
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000);

    [Test]
    public void Round_trips_value_lease_and_metadata()
    {
        var codec = new ClusterEnvelopeCodec();
        var envelope = new ClusterEnvelope
        {
            Data = Encoding.UTF8.GetBytes("\"token\""),
            ExpiresAt = Expiry,
            FetchedBy = "node-a",
            FetchedAt = Expiry.AddMinutes(-5),
            Lease = new ClusterLease("node-b", "abc", TimeSpan.FromSeconds(10)),
        };

        Assert.That(codec.TryDecode("a.b", codec.Encode("a.b", envelope), out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(envelope.Data));
        Assert.That(decoded.ExpiresAt, Is.EqualTo(Expiry));
        Assert.That(decoded.FetchedBy, Is.EqualTo("node-a"));
        Assert.That(decoded.FetchedAt, Is.EqualTo(envelope.FetchedAt));
        Assert.That(decoded.Lease, Is.EqualTo(envelope.Lease));
    }

    [Test]
    public void Round_trips_a_forever_value_and_a_lease_only_entry()
    {
        var codec = new ClusterEnvelopeCodec();
        Assert.That(codec.TryDecode("k", codec.Encode("k", new ClusterEnvelope { Data = [1, 2], ExpiresAt = null }), out var forever, out _), Is.True);
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
    [TestCase("{\"v\":2,\"data\":\"AQ==\",\"exp\":null}", "unsupported schema version 2")]
    [TestCase("{\"v\":1,\"data\":\"AQ==\"}", "value without expiry")]
    [TestCase("{\"v\":1,\"data\":\"not base64!\",\"exp\":null}", "invalid base64 or number")]
    [TestCase("{\"v\":\"1\"}", "unexpected JSON token type")]
    [TestCase("{\"v\":1,\"lease\":{\"holder\":\"x\"}}", "invalid lease")]
    [TestCase("{\"v\":1} trailing", "not JSON")]
    public void Rejects_what_is_not_an_envelope(string text, string expectedReason)
    {
        var codec = new ClusterEnvelopeCodec();
        Assert.That(codec.TryDecode("k", Encoding.UTF8.GetBytes(text), out _, out var reason), Is.False);
        Assert.That(reason, Is.EqualTo(expectedReason));
    }

    [Test]
    public void Rejects_an_oversized_entry_and_refuses_to_write_one()
    {
        var codec = new ClusterEnvelopeCodec(maxEnvelopeBytes: 1024);
        var big = new byte[2048];
        Assert.That(codec.TryDecode("k", big, out _, out var reason), Is.False);
        Assert.That(reason, Does.StartWith("oversized entry"));
        Assert.Throws<InvalidOperationException>(() => codec.Encode("k", new ClusterEnvelope { Data = big, ExpiresAt = null }));
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
    public void Encrypts_values_at_rest_and_decrypts_them()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var codec = new ClusterEnvelopeCodec(new ClusterValueProtector([key]));
        var plaintext = Encoding.UTF8.GetBytes("\"very secret token\"");
        var bytes = codec.Encode("app.tokens.github", new ClusterEnvelope { Data = plaintext, ExpiresAt = Expiry });

        Assert.That(Encoding.UTF8.GetString(bytes), Does.Not.Contain("very secret"));
        Assert.That(Encoding.UTF8.GetString(bytes), Does.Contain("\"enc\":\"" + ClusterValueProtector.KeyIdOf(key) + "\""));
        Assert.That(codec.TryDecode("app.tokens.github", bytes, out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(plaintext));

        // A fresh nonce per write: the same value never encrypts the same way twice.
        Assert.That(codec.Encode("app.tokens.github", new ClusterEnvelope { Data = plaintext, ExpiresAt = Expiry }), Is.Not.EqualTo(bytes));
    }

    [Test]
    public void A_wrong_key_a_moved_value_or_no_key_is_malformed()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var writer = new ClusterEnvelopeCodec(new ClusterValueProtector([key]));
        var bytes = writer.Encode("a.b.c", new ClusterEnvelope { Data = [1, 2, 3], ExpiresAt = Expiry });

        var wrongKey = new ClusterEnvelopeCodec(new ClusterValueProtector([RandomNumberGenerator.GetBytes(16)]));
        Assert.That(wrongKey.TryDecode("a.b.c", bytes, out _, out var reason), Is.False);
        Assert.That(reason, Does.Contain("does not decrypt"));

        Assert.That(writer.TryDecode("a.b.other", bytes, out _, out reason), Is.False, "the key name is authenticated");
        Assert.That(new ClusterEnvelopeCodec().TryDecode("a.b.c", bytes, out _, out reason), Is.False);
        Assert.That(reason, Does.Contain("no decryption key"));

        var plain = new ClusterEnvelopeCodec().Encode("a.b.c", new ClusterEnvelope { Data = [1], ExpiresAt = Expiry });
        Assert.That(writer.TryDecode("a.b.c", plain, out _, out reason), Is.False, "a plain value is not trusted when encryption is on");
    }

    [Test]
    public void Rotated_keys_still_decrypt_old_values()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var bytes = new ClusterEnvelopeCodec(new ClusterValueProtector([oldKey])).Encode("k", new ClusterEnvelope { Data = [9], ExpiresAt = null });
        var rotated = new ClusterEnvelopeCodec(new ClusterValueProtector([newKey, oldKey]));
        Assert.That(rotated.TryDecode("k", bytes, out var decoded, out var reason), Is.True, reason);
        Assert.That(decoded.Data, Is.EqualTo(new byte[] { 9 }));
    }

    [TestCase(15)]
    [TestCase(33)]
    public void Rejects_keys_of_the_wrong_size(int size) =>
        Assert.Throws<ArgumentException>(() => _ = new ClusterValueProtector([new byte[size]]));
}
