using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal.Cluster;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>
/// A client of its own on a bucket, for writing what another (possibly foreign) process would write and
/// for reading what the stream really holds. Not part of the protocol.
/// </summary>
internal sealed class RawBucket : IAsyncDisposable
{
    private readonly NatsProbe _probe;

    private RawBucket(ClusterBucket bucket, NatsProbe probe, ClusterEnvelopeCodec codec)
    {
        Bucket = bucket;
        _probe = probe;
        Codec = codec;
    }

    public ClusterBucket Bucket { get; }

    public ClusterEnvelopeCodec Codec { get; }

    public static async Task<RawBucket> OpenAsync(ClusterStoreOptions options, ClusterEnvelopeCodec? codec = null)
    {
        var (bucket, _) = await ClusterBucket.OpenAsync(options, CancellationToken.None);
        var probe = await NatsProbe.ConnectAsync(options.Connection.Url, options.Bucket, options.Connection.AuthOpts);
        return new RawBucket(bucket, probe, codec ?? new ClusterEnvelopeCodec());
    }

    /// <summary>A value envelope, as a process writes it.</summary>
    public static ClusterEnvelope Value(string text, DateTimeOffset? expiresAt, string by = "raw") => new()
    {
        ValueId = Guid.NewGuid().ToString("N"),
        Data = Encoding.UTF8.GetBytes(text),
        ExpiresAt = expiresAt,
        FetchedBy = by,
        FetchedAt = DateTimeOffset.UtcNow,
    };

    public Task<ulong> PutAsync(string key, ClusterEnvelope envelope) => PutAsync(key, Codec.Encode(key, envelope));

    public async Task<ulong> PutAsync(string key, byte[] data)
    {
        var write = await Bucket.PutAsync(key, data, expectedRevision: null, CancellationToken.None);
        return write.Status == WriteStatus.Landed ? write.Revision : throw new InvalidOperationException($"raw put of '{key}': {write.Status} {write.Reason}");
    }

    /// <summary>A compare-and-set; null when another writer was first.</summary>
    public async Task<ulong?> CompareAndSetAsync(string key, byte[] data, ulong expectedRevision)
    {
        var write = await Bucket.PutAsync(key, data, expectedRevision, CancellationToken.None);
        return write.Status switch
        {
            WriteStatus.Landed => write.Revision,
            WriteStatus.Conflict => null,
            _ => throw new InvalidOperationException($"raw compare-and-set of '{key}': {write.Status} {write.Reason}"),
        };
    }

    public async Task<ulong> DeleteAsync(string key)
    {
        var write = await Bucket.DeleteAsync(key, expectedRevision: null, CancellationToken.None);
        return write.Status == WriteStatus.Landed ? write.Revision : throw new InvalidOperationException($"raw delete of '{key}': {write.Status} {write.Reason}");
    }

    public Task<StoredEntry> ReadAsync(string key) => _probe.ReadAsync(key);

    /// <summary>The envelope the stream holds for <paramref name="key"/>, decoded with this client's codec; null when absent, deleted or unreadable.</summary>
    public async Task<ClusterEnvelope?> ReadEnvelopeAsync(string key)
    {
        var entry = await ReadAsync(key);
        return entry.Exists && Codec.TryDecode(key, entry.Data, out var envelope, out _) ? envelope : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _probe.DisposeAsync();
        await Bucket.DisposeAsync();
    }
}
