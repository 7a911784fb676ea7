using System;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

[TestFixture]
internal sealed class BucketAndWatcherTests : ClusterTestBase
{
    private static readonly ClusterEnvelopeCodec Codec = new();

    [Test]
    public async Task Bucket_is_file_storage_with_history_1_and_supports_revision_cas()
    {
        var bucket = await RawBucketAsync();
        var status = await bucket.Store.GetStatusAsync();
        Assert.That(status.Info.Config.Storage, Is.EqualTo(NATS.Client.JetStream.Models.StreamConfigStorage.File));
        Assert.That(status.Info.Config.MaxMsgsPerSubject, Is.EqualTo(1));

        var first = await bucket.CompareAndSetAsync("k", Bytes("a"), 0, CancellationToken.None);
        Assert.That(first, Is.Not.Null);
        Assert.That(await bucket.CompareAndSetAsync("k", Bytes("b"), 0, CancellationToken.None), Is.Null, "create on an existing key loses");
        Assert.That(await bucket.CompareAndSetAsync("k", Bytes("b"), first!.Value + 7, CancellationToken.None), Is.Null, "stale revision loses");
        var second = await bucket.CompareAndSetAsync("k", Bytes("b"), first.Value, CancellationToken.None);
        Assert.That(second, Is.GreaterThan(first));

        await bucket.DeleteAsync("k", CancellationToken.None);
        var read = await bucket.ReadAsync("k", CancellationToken.None);
        Assert.That(read.Deleted, Is.True);
        Assert.That(await bucket.CreateAsync("k", Bytes("c"), CancellationToken.None), Is.Not.Null, "create after delete succeeds");
        Assert.That((await bucket.ReadAsync("never", CancellationToken.None)).Revision, Is.Zero);
    }

    [Test]
    public async Task Snapshot_fills_replicas_before_connect_returns()
    {
        var raw = await RawBucketAsync();
        var expiry = DateTimeOffset.UtcNow.AddHours(1);
        await raw.PutAsync("app.m.one", Codec.Encode("app.m.one", new ClusterEnvelope { Data = Bytes("1"), ExpiresAt = expiry }), CancellationToken.None);
        await raw.PutAsync("app.m.two", Codec.Encode("app.m.two", new ClusterEnvelope { Data = Bytes("2"), ExpiresAt = null }), CancellationToken.None);
        await raw.PutAsync("app.m.gone", Codec.Encode("app.m.gone", new ClusterEnvelope { Data = Bytes("3"), ExpiresAt = null }), CancellationToken.None);
        await raw.DeleteAsync("app.m.gone", CancellationToken.None);

        var store = await ConnectAsync();

        Assert.That(store.TryGetValue("app.m.one", out var one) && Text(one.Data) == "1", Is.True);
        Assert.That(store.TryGetValue("app.m.two", out var two) && Text(two.Data) == "2", Is.True);
        Assert.That(store.TryGetValue("app.m.gone", out _), Is.False);
        Assert.That(store.Replicas.Get("app.m.gone").Kind, Is.EqualTo(ReplicaKind.Deleted));
    }

    [Test]
    public async Task Snapshot_of_an_empty_bucket_completes()
    {
        var store = await ConnectAsync();
        Assert.That(store.Replicas.Keys, Is.Empty);
    }

    [Test]
    public async Task Watcher_delivers_updates_and_deletes()
    {
        var store = await ConnectAsync();
        var raw = await RawBucketAsync();
        await raw.PutAsync("a.b", Codec.Encode("a.b", new ClusterEnvelope { Data = Bytes("v1"), ExpiresAt = null }), CancellationToken.None);
        await WaitForReplicaAsync(store, "a.b", s => Text(s.Envelope?.Data) == "v1");
        await raw.PutAsync("a.b", Codec.Encode("a.b", new ClusterEnvelope { Data = Bytes("v2"), ExpiresAt = null }), CancellationToken.None);
        await WaitForReplicaAsync(store, "a.b", s => Text(s.Envelope?.Data) == "v2");
        await raw.DeleteAsync("a.b", CancellationToken.None);
        await WaitForReplicaAsync(store, "a.b", s => s.Kind == ReplicaKind.Deleted);
        Assert.That(store.TryGetValue("a.b", out _), Is.False);
    }

    [Test]
    public async Task Expired_value_in_the_bucket_is_never_handed_out()
    {
        var raw = await RawBucketAsync();
        await raw.PutAsync("x", Codec.Encode("x", new ClusterEnvelope { Data = Bytes("old"), ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }), CancellationToken.None);
        var store = await ConnectAsync();
        Assert.That(store.Replicas.Get("x").Kind, Is.EqualTo(ReplicaKind.Present));
        Assert.That(store.TryGetValue("x", out _), Is.False);
    }

    [TestCase("garbage")]
    [TestCase("wrong-schema")]
    [TestCase("oversized")]
    [TestCase("foreign-encryption")]
    public async Task Malformed_entries_are_treated_as_absent_and_the_next_access_fetches(string kind)
    {
        var raw = await RawBucketAsync();
        byte[] bytes = kind switch
        {
            "garbage" => [0xff, 0x00, 0x13, 0x37],
            "wrong-schema" => Bytes("{\"token\":\"abc\",\"expires\":12}"),
            "oversized" => new byte[ClusterEnvelopeCodec.DefaultMaxEnvelopeBytes + 1],
            _ => new ClusterEnvelopeCodec(new ClusterValueProtector([new byte[32]])).Encode("bad", new ClusterEnvelope { Data = Bytes("x"), ExpiresAt = null }),
        };
        await raw.PutAsync("bad", bytes, CancellationToken.None);

        var store = await ConnectAsync();
        Assert.That(store.Replicas.Get("bad").Kind, Is.EqualTo(ReplicaKind.Malformed));
        Assert.That(store.TryGetValue("bad", out _), Is.False);

        var fetches = 0;
        var result = await store.FetchAsync("bad", TimeSpan.Zero, Fetcher(() =>
        {
            Interlocked.Increment(ref fetches);
            return ClusterFetchOutcome.Success(Bytes("fresh"), null);
        }));
        Assert.That(fetches, Is.EqualTo(1));
        Assert.That(result.Stored, Is.True);
        Assert.That(store.TryGetValue("bad", out var fresh) && Text(fresh.Data) == "fresh", Is.True);
    }
}
