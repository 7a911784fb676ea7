using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NATS.Client.KeyValueStore;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// One KV watcher over this process's keys (<c>prefix.&gt;</c>: nats-server 2.9 watches one filter),
/// feeding the <see cref="ReplicaTable"/>. Its initial snapshot ends at the first entry with
/// <c>Delta == 0</c> (or at <c>OnNoData</c> on an empty bucket); <see cref="Snapshot"/> completes
/// then. The client library resumes the watch after a reconnect (its consumer is recreated when no
/// idle heartbeat arrives for twice <see cref="ClusterStoreOptions.WatcherIdleHeartbeat"/>); if the
/// watch itself ends with an error, this loop starts a fresh one and resyncs from its snapshot.
/// </summary>
internal sealed class ClusterWatcher : IAsyncDisposable
{
    private readonly ClusterBucket _bucket;
    private readonly ReplicaTable _replicas;
    private readonly ClusterEnvelopeCodec _codec;
    private readonly ILogger _logger;
    private readonly string _filter;
    private readonly TimeSpan _idleHeartbeat;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _snapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    public ClusterWatcher(ClusterBucket bucket, ReplicaTable replicas, ClusterEnvelopeCodec codec, ILogger logger, string? keyPrefix, TimeSpan idleHeartbeat)
    {
        _bucket = bucket;
        _replicas = replicas;
        _codec = codec;
        _logger = logger;
        _filter = string.IsNullOrEmpty(keyPrefix) ? ">" : keyPrefix + ".>";
        _idleHeartbeat = idleHeartbeat;
    }

    /// <summary>Completes when the first snapshot has been applied to the replicas.</summary>
    public Task Snapshot => _snapshot.Task;

    /// <summary>Entries applied so far (diagnostics and tests).</summary>
    public long AppliedCount => Interlocked.Read(ref _appliedCount);

    private long _appliedCount;

    public void Start() => _loop = Task.Run(RunAsync);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _snapshot.TrySetCanceled();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await WatchOnceAsync(_stop.Token).ConfigureAwait(false);
                attempt = 0;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                Log.WatcherRestarting(_logger, _bucket.Store.Bucket, ex.GetType().Name, ex.Message);
            }

            // Restart backoff on the real clock: it paces network retries, not value lifetimes.
            attempt++;
            var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(attempt, 5))));
            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WatchOnceAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var inSnapshot = true;
        void EndSnapshot()
        {
            if (!inSnapshot)
            {
                return;
            }

            inSnapshot = false;

            // A fresh watch after an error: keys that vanished meanwhile (purged) are gone.
            foreach (var key in _replicas.Keys)
            {
                if (!seen.Contains(key) && !_replicas.Get(key).LocalOnly && InFilter(key))
                {
                    _replicas.ClearLocal(key);
                }
            }

            _snapshot.TrySetResult();
        }

        var opts = new NatsKVWatchOpts
        {
            IdleHeartbeat = _idleHeartbeat,
            OnNoData = _ =>
            {
                EndSnapshot();
                return ValueTask.FromResult(false);
            },
        };

        await foreach (var entry in _bucket.WatchAsync(_filter, opts, cancellationToken).ConfigureAwait(false))
        {
            Apply(entry);
            if (inSnapshot)
            {
                seen.Add(entry.Key);
                if (entry.Delta == 0)
                {
                    EndSnapshot();
                }
            }
        }
    }

    private bool InFilter(string key) => _filter == ">" || key.StartsWith(_filter[..^1], StringComparison.Ordinal);

    private void Apply(NatsKVEntry<byte[]> entry)
    {
        Interlocked.Increment(ref _appliedCount);
        if (entry.Operation is NatsKVOperation.Del or NatsKVOperation.Purge)
        {
            _replicas.Apply(entry.Key, entry.Revision, ReplicaKind.Deleted, null);
            return;
        }

        if (entry.Error is not null)
        {
            Log.MalformedEntry(_logger, entry.Key, entry.Revision, "undeliverable entry: " + entry.Error.GetType().Name);
            _replicas.Apply(entry.Key, entry.Revision, ReplicaKind.Malformed, null);
            return;
        }

        var current = _replicas.Get(entry.Key);
        if (entry.Revision <= current.Revision && current.Kind != ReplicaKind.Absent)
        {
            return; // already applied (this process wrote it, or a replay)
        }

        if (_codec.TryDecode(entry.Key, entry.Value ?? [], out var envelope, out var reason))
        {
            _replicas.Apply(entry.Key, entry.Revision, ReplicaKind.Present, envelope);
        }
        else
        {
            Log.MalformedEntry(_logger, entry.Key, entry.Revision, reason);
            _replicas.Apply(entry.Key, entry.Revision, ReplicaKind.Malformed, null);
        }
    }
}
