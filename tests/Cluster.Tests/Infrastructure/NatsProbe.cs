using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Net;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>What the stream holds for a key, read from the stream leader.</summary>
internal sealed record StoredEntry(ulong Revision, bool Deleted, byte[]? Data)
{
    public bool Exists => Revision > 0 && !Deleted;

    public string Text => Data is null ? "<none>" : Encoding.UTF8.GetString(Data);
}

/// <summary>One message of the bucket's stream, as a recording watcher saw it.</summary>
internal sealed record RecordedMessage(string Key, ulong Revision, bool IsDelete, string Text, DateTimeOffset ServerTime, DateTimeOffset ReceivedAt);

/// <summary>
/// A plain NATS client of the test's own (not the product's code): writes what another or a foreign
/// process would, reads what the stream really holds, records every message, and manages the stream
/// (create, delete) as an operator would.
/// </summary>
internal sealed class NatsProbe : IAsyncDisposable
{
    private static readonly INatsSerializer<byte[]> Raw = NatsRawSerializer<byte[]>.Default;

    private NatsProbe(NatsConnection connection, string bucket)
    {
        Connection = connection;
        JetStream = connection.CreateJetStreamContext();
        BucketName = bucket;
    }

    public NatsConnection Connection { get; }

    public INatsJSContext JetStream { get; }

    public string BucketName { get; }

    public string StreamName => "KV_" + BucketName;

    public static async Task<NatsProbe> ConnectAsync(string url, string bucket, NatsAuthOpts? auth = null)
    {
        var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "probe", AuthOpts = auth ?? NatsAuthOpts.Default, RequestTimeout = TimeSpan.FromSeconds(5) });
        await connection.ConnectAsync();
        return new NatsProbe(connection, bucket);
    }

    public string Subject(string key) => $"$KV.{BucketName}.{key}";

    /// <summary>Creates the bucket as an operator would (with its own replicas, history and limits).</summary>
    public async Task CreateBucketAsync(int replicas = 1, long history = 1, TimeSpan? maxAge = null, long maxBytes = -1)
    {
        var kv = Connection.CreateKeyValueStoreContext();
        await kv.CreateStoreAsync(new NatsKVConfig(BucketName)
        {
            History = history,
            NumberOfReplicas = replicas,
            Storage = NatsKVStorageType.File,
            MaxAge = maxAge ?? TimeSpan.Zero,
            MaxBytes = maxBytes,
        });
    }

    public async Task<StreamInfo> InfoAsync() => (await JetStream.GetStreamAsync(StreamName)).Info;

    public async Task<bool> ExistsAsync()
    {
        try
        {
            await JetStream.GetStreamAsync(StreamName);
            return true;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10059)
        {
            return false;
        }
    }

    public async Task DeleteBucketAsync() => await JetStream.DeleteStreamAsync(StreamName);

    public async Task<ulong> PutAsync(string key, string text) => await PutAsync(key, Encoding.UTF8.GetBytes(text));

    public async Task<ulong> PutAsync(string key, byte[] data)
    {
        var ack = await JetStream.PublishAsync(Subject(key), data, Raw);
        ack.EnsureSuccess();
        return ack.Seq;
    }

    public async Task<ulong> DeleteAsync(string key)
    {
        var ack = await JetStream.PublishAsync<byte[]>(Subject(key), [], Raw, headers: new NatsHeaders { { "KV-Operation", "DEL" } });
        ack.EnsureSuccess();
        return ack.Seq;
    }

    public async Task<StoredEntry> ReadAsync(string key)
    {
        var stream = await JetStream.GetStreamAsync(StreamName);
        try
        {
            var stored = (await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = Subject(key) })).Message;
            var headers = stored.Hdrs is { } hdrs ? Encoding.UTF8.GetString(Convert.FromBase64String(hdrs)) : string.Empty;
            var deleted = headers.Contains("KV-Operation: DEL", StringComparison.Ordinal) || headers.Contains("KV-Operation: PURGE", StringComparison.Ordinal);
            return new StoredEntry(stored.Seq, deleted, deleted ? null : stored.Data.ToArray());
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10037)
        {
            return new StoredEntry(0, false, null);
        }
    }

    /// <summary>Keys whose last message is a value (not deleted), with their text.</summary>
    public async Task<Dictionary<string, string>> ReadAllAsync(string filter = ">")
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        var store = await Connection.CreateKeyValueStoreContext().GetStoreAsync(BucketName);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var opts = new NatsKVWatchOpts { OnNoData = _ => ValueTask.FromResult(true) };
        await foreach (var entry in store.WatchAsync(filter, Raw, opts, timeout.Token))
        {
            if (entry.Operation == NatsKVOperation.Put)
            {
                all[entry.Key] = Encoding.UTF8.GetString(entry.Value ?? []);
            }

            if (entry.Delta == 0)
            {
                break;
            }
        }

        return all;
    }

    /// <summary>Records every message of the bucket from now on (a watcher of the test's own).</summary>
    public async Task<Recording> RecordAsync(string filter = ">")
    {
        var recording = new Recording(this);
        await recording.StartAsync(filter);
        return recording;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    internal sealed class Recording(NatsProbe probe) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<RecordedMessage> _messages = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public IReadOnlyList<RecordedMessage> Messages => _messages.ToArray();

        public IEnumerable<RecordedMessage> For(string key) => _messages.Where(m => m.Key == key);

        public async Task StartAsync(string filter)
        {
            var store = await probe.Connection.CreateKeyValueStoreContext().GetStoreAsync(probe.BucketName);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var opts = new NatsKVWatchOpts { UpdatesOnly = true };
            _loop = Task.Run(async () =>
            {
                try
                {
                    var entries = store.WatchAsync(filter, Raw, opts, _stop.Token).GetAsyncEnumerator(_stop.Token);
                    var next = entries.MoveNextAsync();
                    started.TrySetResult();
                    while (await next)
                    {
                        var entry = entries.Current;
                        _messages.Enqueue(new RecordedMessage(entry.Key, entry.Revision, entry.Operation != NatsKVOperation.Put, Encoding.UTF8.GetString(entry.Value ?? []), entry.Created, DateTimeOffset.UtcNow));
                        next = entries.MoveNextAsync();
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
            await started.Task;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
