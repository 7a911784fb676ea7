using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

internal sealed partial class ClusterStore
{
    /// <summary>
    /// Writes a stateful key's state (a put or an update) with a compare-and-set on the key's revision, keeping
    /// the value the key holds. While another process (or this one) holds the key's lease, it waits for the
    /// lease to end or lapse: the running fetch writes its next state first and this state lands over it, as
    /// a put after the fetch would. <paramref name="newState"/> receives the state the write is based on (null:
    /// none) and runs again whenever the compare-and-set loses. Returns the envelope written, or null when the
    /// key holds an entry this process cannot read (never written over) or the server refused the write.
    /// Throws <see cref="ClusterCallTimeoutException"/> when JetStream does not answer within the
    /// unavailability budget (the write may have landed: the watcher shows it).
    /// </summary>
    /// <param name="key">The bucket key.</param>
    /// <param name="newState">From the state the write is based on to the state written.</param>
    /// <param name="waitForLease">
    /// False for a write from inside the key's own running fetch, which would wait for itself: the lease is
    /// written over, its holder is fenced and writes its value over this state.
    /// </param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async ValueTask<ClusterEnvelope?> WriteStateAsync(string key, Func<byte[]?, byte[]> newState, bool waitForLease = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newState);
        var backoff = TimeSpan.FromMilliseconds(25);
        long unknownSince = 0;
        var synced = false;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (unknownSince != 0 && Stopwatch.GetElapsedTime(unknownSince) > _options.UnavailableBudget)
            {
                throw new ClusterCallTimeoutException($"The state of '{key}' could not be written: JetStream did not answer for {_options.UnavailableBudget}.");
            }

            if (!Replicas.Ready.IsCompleted)
            {
                // The replicas are being resynced or the bucket is missing: wait, within the budget.
                unknownSince = unknownSince == 0 ? Stopwatch.GetTimestamp() : unknownSince;
                await WaitRealAsync(Replicas.Ready, backoff = Next(backoff), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var (state, next) = Replicas.GetWithSignal(key);
            if (!synced)
            {
                // An update must not start from a replica behind the server (a put elsewhere not seen yet).
                synced = true;
                if (await SyncAsync(key, state.Revision, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
            }

            var envelope = state.Kind == ReplicaKind.Present ? state.Envelope : null;
            if (envelope is { IsReadable: false })
            {
                Log.NotShared(_logger, key, "the key holds an entry this process cannot read; the state is not written over it");
                return null;
            }

            if (waitForLease && envelope?.Lease is { } lease && !envelope.Abandoned)
            {
                var held = _time.GetElapsedTime(state.ObservedAt);
                if (held < lease.Duration)
                {
                    await WaitForChangeAsync(next, lease.Duration - held, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            // An abandoned or lapsed lease is dropped: its holder's late write is fenced and keeps this state.
            var based = envelope?.ValueOnly() ?? new ClusterEnvelope();
            var written = based with { State = newState(based.State), StateVersion = based.StateVersion + 1 };
            var write = await _bucket.PutAsync(key, Codec.Encode(key, written), state.Revision, cancellationToken).ConfigureAwait(false);
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    NoteAvailable();
                    Replicas.ApplyOwnWrite(key, write.Revision, written);
                    return written;
                case WriteStatus.Conflict:
                    unknownSince = 0;
                    await Replicas.WaitForRevisionAsync(key, Math.Max(write.Revision, state.Revision + 1), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
                    continue;
                case WriteStatus.Unknown:
                    // It may have landed: the next round bases the state on what the replica shows.
                    NoteUnavailable(key, write.Reason ?? "no answer");
                    unknownSince = unknownSince == 0 ? Stopwatch.GetTimestamp() : unknownSince;
                    await WaitRealAsync(next, backoff = Next(backoff), cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    Log.NotShared(_logger, key, write.Reason ?? "refused by the server");
                    return null;
            }
        }

        throw new InvalidOperationException($"The state of '{key}' could not be written: the key changes too fast.");
    }
}
