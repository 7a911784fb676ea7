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
    /// <summary>Changes one byte of the sealed payload: it no longer authenticates under the key that sealed it.</summary>
    private static byte[] Tampered(byte[] encoded)
    {
        var text = System.Text.Encoding.UTF8.GetString(encoded);
        var box = text.IndexOf("\"box\":\"", StringComparison.Ordinal) + 7;
        var chars = text.ToCharArray();
        chars[box + 4] = chars[box + 4] == 'A' ? 'B' : 'A';
        return System.Text.Encoding.UTF8.GetBytes(chars);
    }

    [Test]
    public async Task Bucket_is_file_storage_with_history_1_and_supports_revision_cas()
    {
        var raw = await RawBucketAsync();
        var config = raw.Bucket.Info!.Config;
        Assert.That(config.Storage, Is.EqualTo(NATS.Client.JetStream.Models.StreamConfigStorage.File));
        Assert.That(config.MaxMsgsPerSubject, Is.EqualTo(1));

        var first = await raw.CompareAndSetAsync("k", Bytes("a"), 0);
        Assert.That(first, Is.Not.Null);
        Assert.That(await raw.CompareAndSetAsync("k", Bytes("b"), 0), Is.Null, "create on an existing key loses");
        Assert.That(await raw.CompareAndSetAsync("k", Bytes("b"), first!.Value + 7), Is.Null, "stale revision loses");
        var second = await raw.CompareAndSetAsync("k", Bytes("b"), first.Value);
        Assert.That(second, Is.GreaterThan(first));

        var conflict = await raw.Bucket.PutAsync("k", Bytes("c"), first.Value, CancellationToken.None);
        Assert.That(conflict, Is.EqualTo(new WriteResult(WriteStatus.Conflict, second!.Value, $"wrong last sequence: {second}")), "a conflict names the key's last revision");

        var deleted = await raw.DeleteAsync("k");
        var read = await raw.ReadAsync("k");
        Assert.That(read.Deleted && read.Revision == deleted, Is.True);
        Assert.That(await raw.CompareAndSetAsync("k", Bytes("c"), deleted), Is.Not.Null, "a deleted key is taken over on its delete marker's revision");
        Assert.That((await raw.ReadAsync("never")).Revision, Is.Zero);
        Assert.That((await raw.Bucket.ReadRevisionAsync("never", CancellationToken.None)).Revision, Is.Zero);
    }

    [Test]
    public async Task Snapshot_fills_replicas_before_connect_returns()
    {
        var raw = await RawBucketAsync();
        var expiry = DateTimeOffset.UtcNow.AddHours(1);
        await raw.PutAsync("app.m.one", Value("1", expiry));
        await raw.PutAsync("app.m.two", Value("2"));
        await raw.PutAsync("app.m.gone", Value("3"));
        await raw.DeleteAsync("app.m.gone");

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
        await raw.PutAsync("a.b", Value("v1"));
        await WaitForReplicaAsync(store, "a.b", s => Text(s.Envelope?.Data) == "v1");
        await raw.PutAsync("a.b", Value("v2"));
        await WaitForReplicaAsync(store, "a.b", s => Text(s.Envelope?.Data) == "v2");
        await raw.DeleteAsync("a.b");
        await WaitForReplicaAsync(store, "a.b", s => s.Kind == ReplicaKind.Deleted);
        Assert.That(store.TryGetValue("a.b", out _), Is.False);
    }

    [Test]
    public async Task Expired_value_in_the_bucket_is_never_handed_out()
    {
        var raw = await RawBucketAsync();
        await raw.PutAsync("x", Value("old", DateTimeOffset.UtcNow.AddSeconds(-1)));
        var store = await ConnectAsync();
        Assert.That(store.Replicas.Get("x").Kind, Is.EqualTo(ReplicaKind.Present));
        Assert.That(store.TryGetValue("x", out _), Is.False);
    }

    [TestCase("garbage")]
    [TestCase("wrong-schema")]
    [TestCase("oversized")]
    [TestCase("tampered-encryption")]
    public async Task Malformed_entries_are_treated_as_absent_and_the_next_access_fetches(string kind)
    {
        var raw = await RawBucketAsync();
        byte[] bytes = kind switch
        {
            "garbage" => [0xff, 0x00, 0x13, 0x37],
            "wrong-schema" => Bytes("{\"token\":\"abc\",\"expires\":12}"),
            "oversized" => new byte[ClusterEnvelopeCodec.DefaultMaxEnvelopeBytes + 1],
            _ => Tampered(new ClusterEnvelopeCodec(new ClusterValueProtector([new byte[32]])).Encode("bad", Value("x"))),
        };
        await raw.PutAsync("bad", bytes);

        var store = await ConnectAsync(kind == "tampered-encryption" ? Options() with { EncryptionKeys = [new byte[32]] } : null);
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
