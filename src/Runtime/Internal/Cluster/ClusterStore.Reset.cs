using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NATS.Client.JetStream.Models;

namespace ExpirableStore.Internal.Cluster;

internal sealed partial class ClusterStore
{
    private static readonly TimeSpan SuspicionInterval = TimeSpan.FromSeconds(1);

    private DateTimeOffset _streamCreated;
    private StreamConfig? _streamConfig;
    private long _bucketMissingSince;
    private long _lastSuspicion;

    /// <summary>True while the bucket's stream is known to be missing (a server that lost its store, a deleted bucket).</summary>
    public bool BucketMissing => Interlocked.Read(ref _bucketMissingSince) != 0;

    /// <summary>
    /// The watcher's question whenever it replaces its consumer: is the stream the one it watched (resume
    /// after the last message), a new one (created again, or its sequence moved backwards: snapshot and
    /// resync every replica), or missing (create it again as it was, or wait for whoever may)?
    /// </summary>
    private async ValueTask<WatchStart> CheckStreamAsync(ulong lastDelivered, CancellationToken cancellationToken)
    {
        var found = await _bucket.LookUpAsync(cancellationToken).ConfigureAwait(false);
        if (!found.Known)
        {
            return WatchStart.Retry;
        }

        if (found.Missing)
        {
            if (Interlocked.CompareExchange(ref _bucketMissingSince, Stopwatch.GetTimestamp(), 0) == 0)
            {
                Log.BucketMissing(_logger, _options.Bucket);
            }

            // Created again as it was (the operator's replicas, history and limits), or as this process would.
            if ((await _bucket.TryCreateAsync(_streamConfig, cancellationToken).ConfigureAwait(false)).Outcome != CreateOutcome.Exists)
            {
                return WatchStart.Retry;
            }

            Log.BucketCreatedAgain(_logger, _options.Bucket);
            StartOver("it was missing and has been created again");
            return WatchStart.Snapshot;
        }

        var info = found.Info!;
        var reset = info.Created != _streamCreated
            ? "it was deleted and created again"
            : info.State.LastSeq < lastDelivered ? "its last sequence is below what this process has seen (a server lost its store)" : null;
        if (reset is not null)
        {
            StartOver(reset);
            return WatchStart.Snapshot;
        }

        Interlocked.Exchange(ref _bucketMissingSince, 0);
        UpdateCasSerialization();
        return WatchStart.Resume;
    }

    /// <summary>
    /// The server's last revision of a key is below this process's: either the stream was lost or recreated
    /// (then the watcher resyncs, and this waits for it), or the same stream no longer holds the key's last
    /// message (a limit such as the bucket's max age, or an operator's purge).
    /// </summary>
    private async ValueTask ResolveBackwardsRevisionAsync(string key, ulong serverRevision, CancellationToken cancellationToken)
    {
        var epoch = Replicas.Epoch;
        if (await CheckForResetAsync(cancellationToken).ConfigureAwait(false) is not false)
        {
            await AwaitResyncAsync(epoch, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A leader's answer can lag what a watcher already delivered for a moment (replicated streams):
        // only a read of the leader's store that stays below ours twice means the message is gone.
        var ours = Replicas.Get(key).Revision;
        for (var read = 0; read < 2; read++)
        {
            if (read > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }

            var found = await _bucket.ReadRevisionAsync(key, cancellationToken).ConfigureAwait(false);
            if (!found.Known || found.Revision >= ours || Replicas.Get(key).Revision != ours)
            {
                return;
            }

            serverRevision = found.Revision;
        }

        Log.RemovedByServer(_logger, key, ours, serverRevision);
        Replicas.ApplyRemovedByServer(key, serverRevision);
    }

    /// <summary>A sign the stream may be gone (no responders to a write): check in the background, at most once a second.</summary>
    private void SuspectStream()
    {
        var now = Stopwatch.GetTimestamp();
        var last = Interlocked.Read(ref _lastSuspicion);
        if (Stopwatch.GetElapsedTime(last, now) < SuspicionInterval || Interlocked.CompareExchange(ref _lastSuspicion, now, last) != last)
        {
            return;
        }

        RunInBackground(async () => await CheckForResetAsync(_lifetime.Token).ConfigureAwait(false));
    }

    /// <summary>True when the stream is missing or not the one watched (the watcher is asked to resync), false when it is, null when unknown.</summary>
    private async ValueTask<bool?> CheckForResetAsync(CancellationToken cancellationToken)
    {
        StreamLookup found;
        try
        {
            found = await _bucket.LookUpAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }

        if (!found.Known)
        {
            return null;
        }

        if (found.Missing || found.Info!.Created != _streamCreated || found.Info.State.LastSeq < _watcher.LastStreamSequence)
        {
            _watcher.RequestCheck();
            return true;
        }

        return false;
    }

    /// <summary>Waits (bounded) until the replicas have been resynced from a new stream.</summary>
    private async ValueTask AwaitResyncAsync(long epoch, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.CallTimeout * 2);
        try
        {
            if (Replicas.Epoch == epoch)
            {
                await Replicas.EpochChanged.WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            await Replicas.Ready.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not yet: the caller's loop looks again.
        }
    }

    private void StartOver(string reason)
    {
        Log.StreamReset(_logger, _options.Bucket, reason);
        Interlocked.Exchange(ref _bucketMissingSince, 0);
        RememberStream();
    }

    private void RememberStream()
    {
        if (_bucket.Info is { } info)
        {
            _streamCreated = info.Created;
            _streamConfig = info.Config;
        }

        UpdateCasSerialization();
    }

    /// <summary>
    /// Compare-and-sets carry a per-revision message id on replicated buckets of servers before 2.9.21
    /// (nats-server#4320), and only there: later servers check the expected revision when they apply a write.
    /// </summary>
    private void UpdateCasSerialization()
    {
        var replicas = _bucket.Info?.Config.NumReplicas ?? 1;
        var deduplicate = _options.DeduplicateCas ?? (replicas > 1 && _bucket.ServerMayAcceptConcurrentCas);
        if (deduplicate && !_bucket.DeduplicatesCas)
        {
            Log.DeduplicatingCas(_logger, _options.Bucket, replicas, _bucket.ServerVersion);
        }

        _bucket.DeduplicatesCas = deduplicate;
    }
}
