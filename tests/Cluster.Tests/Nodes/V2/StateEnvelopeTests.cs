using System;
using System.Security.Cryptography;
using System.Text;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes.V2;

/// <summary>The state in the envelope: beside the value, authenticated with the header, never in plain text when encrypted.</summary>
[TestFixture]
internal sealed class StateEnvelopeTests
{
    private const string Key = "app.M.oauth";

    private static readonly ClusterEnvelope WithState = new()
    {
        ValueId = "v1",
        Data = Encoding.UTF8.GetBytes("\"at-1\""),
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000),
        State = Encoding.UTF8.GetBytes("\"rt-SECRET\""),
        StateVersion = 3,
    };

    [TestCase(false)]
    [TestCase(true)]
    public void A_state_round_trips_with_its_version(bool encrypted)
    {
        var codec = Codec(encrypted);
        var bytes = codec.Encode(Key, WithState);

        Assert.That(codec.TryDecode(Key, bytes, out var decoded, out var reason), Is.True, reason);
        Assert.That(Encoding.UTF8.GetString(decoded.State!), Is.EqualTo("\"rt-SECRET\""));
        Assert.That(decoded.StateVersion, Is.EqualTo(3));
        Assert.That(decoded.Data, Is.EqualTo(WithState.Data));
    }

    [Test]
    public void A_state_without_a_value_round_trips()
    {
        var codec = Codec(encrypted: true);
        var stateOnly = new ClusterEnvelope { State = Encoding.UTF8.GetBytes("\"rt-2\""), StateVersion = 1 };

        Assert.That(codec.TryDecode(Key, codec.Encode(Key, stateOnly), out var decoded, out var reason), Is.True, reason);
        Assert.That((decoded.HasValue, Encoding.UTF8.GetString(decoded.State!)), Is.EqualTo((false, "\"rt-2\"")));
    }

    [Test]
    public void An_encrypted_state_is_not_in_plain_text_and_its_version_is_authenticated()
    {
        var codec = Codec(encrypted: true);
        var text = Encoding.UTF8.GetString(codec.Encode(Key, WithState));
        Assert.That(text, Does.Not.Contain("SECRET"));
        Assert.That(text, Does.Not.Contain(Convert.ToBase64String(WithState.State!)));

        // Someone who can write the bucket rolls the state version back: the box no longer opens.
        var edited = Encoding.UTF8.GetBytes(text.Replace("\"sv\":3", "\"sv\":2", StringComparison.Ordinal));
        Assert.That(codec.TryDecode(Key, edited, out _, out var reason), Is.False);
        Assert.That(reason, Does.Contain("does not authenticate"));
    }

    [Test]
    public void A_plain_state_without_its_version_is_malformed()
    {
        var codec = Codec(encrypted: false);
        var text = Encoding.UTF8.GetString(codec.Encode(Key, WithState)).Replace(",\"sv\":3", string.Empty, StringComparison.Ordinal);

        Assert.That(codec.TryDecode(Key, Encoding.UTF8.GetBytes(text), out _, out var reason), Is.False);
        Assert.That(reason, Is.EqualTo("state without a state version"));
    }

    private static readonly byte[] TestKey = RandomNumberGenerator.GetBytes(32);

    private static ClusterEnvelopeCodec Codec(bool encrypted) =>
        new(encrypted ? new ClusterValueProtector([TestKey]) : null);
}
