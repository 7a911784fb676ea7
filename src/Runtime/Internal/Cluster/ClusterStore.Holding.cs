using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

internal sealed partial class ClusterStore
{
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>
    /// This process holds the lease: fetch while renewing it, then write the value with a compare-and-set
    /// on the lease's own revision (fencing), or release it. A fetch that times out but keeps running keeps
    /// the lease, marked so that every caller gets the timeout at once, until it really ends.
    /// </summary>
    private async ValueTask<ClusterFetchResult> HoldAsync(
        string key,
        ClusterEnvelope claim,
        ulong leaseRevision,
        long sentAt,
        Func<ClusterEnvelope, CancellationToken, ValueTask<ClusterFetchOutcome>> fetch,
        CancellationToken cancellationToken)
    {
        var holding = new Holding(key, claim, leaseRevision, sentAt, Replicas.Epoch);
        _holdings[key] = holding;
        var renewal = StartRenewing(holding);
        ClusterFetchOutcome outcome;
        try
        {
            outcome = await fetch(claim, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: hand the lease back rather than make the others wait for it to lapse.
            await renewal.StopAsync().ConfigureAwait(false);
            await ReleaseAsync(holding, failure: null).ConfigureAwait(false);
            _holdings.TryRemove(key, out _);
            throw;
        }

        await renewal.StopAsync().ConfigureAwait(false);
        if (outcome.Late is { } late)
        {
            // The callers (here and the waiters elsewhere) get the timeout now; the lease stays until the fetch ends.
            await MarkAbandonedAsync(holding, outcome.Failure ?? "the fetch timed out").ConfigureAwait(false);
            var keepRenewing = StartRenewing(holding);
            RunInBackground(() => FinishAbandonedAsync(holding, late, keepRenewing));
            return ClusterFetchResult.Fetched(outcome);
        }

        try
        {
            return await CompleteAsync(holding, outcome, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _holdings.TryRemove(key, out _);
        }
    }

    private async Task FinishAbandonedAsync(Holding holding, Task<ClusterFetchOutcome> late, Renewal renewal)
    {
        ClusterFetchOutcome outcome;
        try
        {
            outcome = await late.WaitAsync(_shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposed and the fetch still runs after the grace: stop renewing, the lease lapses by itself.
            await renewal.StopAsync().ConfigureAwait(false);
            _holdings.TryRemove(holding.Key, out _);
            return;
        }

        await renewal.StopAsync().ConfigureAwait(false);
        try
        {
            var finished = await CompleteAsync(holding, outcome, _shutdown.Token).ConfigureAwait(false);
            Log.AbandonedFetchEnded(_logger, holding.Key, finished.Stored ? "its value was stored" : outcome.Succeeded ? "its value was not stored" : "it failed; the lease was released");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _holdings.TryRemove(holding.Key, out _);
        }
    }

    /// <summary>After the fetch: write its value (fenced), or release the lease telling the waiters why.</summary>
    private async ValueTask<ClusterFetchResult> CompleteAsync(Holding holding, ClusterFetchOutcome outcome, CancellationToken cancellationToken)
    {
        var key = holding.Key;
        var now = _time.GetUtcNow();
        if (!outcome.Succeeded)
        {
            await ReleaseAsync(holding, outcome.Failure, outcome.NextState).ConfigureAwait(false);
            return ClusterFetchResult.Fetched(outcome);
        }

        if (outcome.Data is null || outcome.ExpiresAt <= now)
        {
            // Unshareable, or already expired by this clock (semantics: handed to the caller, not cached): the waiters compete again.
            await ReleaseAsync(holding, failure: null, outcome.NextState).ConfigureAwait(false);
            return ClusterFetchResult.Fetched(outcome);
        }

        var final = WithNextState(holding.Claim.ValueOnly(), outcome.NextState) with
        {
            ValueId = NewToken(),
            Data = outcome.Data,
            ExpiresAt = outcome.ExpiresAt,
            FetchedBy = NodeName,
            FetchedAt = now,
        };
        var encoded = Codec.Encode(key, final);
        if (!CanStore(encoded, out var tooLarge))
        {
            // Served to this process only; the lease is released at once so nobody waits for it.
            Log.NotShared(_logger, key, tooLarge);
            await ReleaseAsync(holding, failure: null, outcome.NextState).ConfigureAwait(false);
            return ClusterFetchResult.Fetched(outcome);
        }

        return await WriteValueAsync(holding, final, encoded, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The fencing write: lands only on the revision of this process's own (last renewed) lease.</summary>
    private async ValueTask<ClusterFetchResult> WriteValueAsync(Holding holding, ClusterEnvelope final, byte[] encoded, ClusterFetchOutcome outcome, CancellationToken cancellationToken)
    {
        var key = holding.Key;
        long unknownSince = 0;
        var backoff = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            if (holding.Lost || Replicas.Epoch != holding.Epoch)
            {
                return await FencedAsync(holding, final, outcome, cancellationToken).ConfigureAwait(false);
            }

            var put = _bucket.PutAsync(key, encoded, holding.Revision, CancellationToken.None).AsTask();
            var (answer, echo) = await AnswerOrEchoAsync(key, put, seen => IsNewerWriteOf(seen, holding) || (seen.Epoch == holding.Epoch && IsWriteOf(seen, final))).ConfigureAwait(false);
            if (echo is not null)
            {
                if (echo.Envelope is { Lease: null } seenValue && seenValue.ValueId == final.ValueId)
                {
                    NoteAvailable();
                    return ClusterFetchResult.Fetched(outcome, final.ValueId);
                }

                // A renewal of ours landed after all: the value goes on top of it.
                holding.Adopt(echo.Revision);
                continue;
            }

            var write = answer!.Value;
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    NoteAvailable();
                    Replicas.ApplyOwnWrite(key, write.Revision, final);
                    return ClusterFetchResult.Fetched(outcome, final.ValueId);

                case WriteStatus.Conflict:
                    if (write.Revision != 0 && write.Revision < holding.Revision)
                    {
                        await ResolveBackwardsRevisionAsync(key, write.Revision, cancellationToken).ConfigureAwait(false);
                        return await FencedAsync(holding, final, outcome, cancellationToken).ConfigureAwait(false);
                    }

                    var seen = await Replicas.WaitForRevisionAsync(key, write.Revision, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
                    if (seen.Kind == ReplicaKind.Present && seen.Envelope?.ValueId == final.ValueId)
                    {
                        return ClusterFetchResult.Fetched(outcome, final.ValueId); // an earlier attempt landed
                    }

                    if (seen.Lease?.Token == holding.Token)
                    {
                        holding.Adopt(seen.Revision); // a renewal of ours landed after all
                        continue;
                    }

                    if (seen.Revision < write.Revision)
                    {
                        continue; // the watcher is behind: look again
                    }

                    return await FencedAsync(holding, final, outcome, cancellationToken).ConfigureAwait(false);
                case WriteStatus.Unknown:
                    Log.OutcomeUnknown(_logger, key, write.Reason ?? "no answer");
                    NoteUnavailable(key, write.Reason ?? "no answer");
                    unknownSince = unknownSince == 0 ? Stopwatch.GetTimestamp() : unknownSince;
                    if (Stopwatch.GetElapsedTime(unknownSince) > _options.UnavailableBudget)
                    {
                        // Serve it here; the watcher brings whatever the bucket ends up holding.
                        return ClusterFetchResult.Fetched(outcome);
                    }

                    await Task.Delay(backoff = Next(backoff), cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    Log.NotShared(_logger, key, write.Reason ?? "refused by the server");
                    await ReleaseAsync(holding, failure: null, outcome.NextState).ConfigureAwait(false);
                    return ClusterFetchResult.Fetched(outcome);
            }
        }
    }

    /// <summary>
    /// The lease was lost (taken over after it lapsed, cleared, or the stream was recreated): this process
    /// serves what the bucket holds, like every other process, and writes its value only where the key is free.
    /// </summary>
    private ValueTask<ClusterFetchResult> FencedAsync(Holding holding, ClusterEnvelope final, ClusterFetchOutcome outcome, CancellationToken cancellationToken)
    {
        Log.Fenced(_logger, holding.Key);
        holding.Lost = true;
        return DecideAsync(holding.Key, TimeSpan.Zero, refreshing: null, fetch: null, new InHand(outcome, final, holding.Token, holding.ClaimRevision, holding.Epoch, holding.Claim.StateVersion), cancellationToken);
    }

    /// <summary>
    /// Hands the lease back, keeping the value it carried (and writing the fetch's next state, if any); with a
    /// failure, the waiters of this lease get it as their outcome.
    /// </summary>
    private async ValueTask ReleaseAsync(Holding holding, string? failure, byte[]? nextState = null)
    {
        var released = WithNextState(holding.Claim.ValueOnly(), nextState) with { FailedLease = failure is null ? null : holding.Token, Error = failure };
        await WriteAsHolderAsync(holding, released, attempts: 3).ConfigureAwait(false);
    }

    /// <summary>The envelope a stateful fetch's next state is written in: the one it claimed on, with the state it returned.</summary>
    private static ClusterEnvelope WithNextState(ClusterEnvelope claimed, byte[]? nextState) =>
        nextState is null ? claimed : claimed with { State = nextState, StateVersion = claimed.StateVersion + 1 };

    /// <summary>The fetch timed out but runs on: callers everywhere get that failure at once instead of another upstream call.</summary>
    private async ValueTask MarkAbandonedAsync(Holding holding, string failure)
    {
        var marked = holding.Claim with { Abandoned = true, Error = failure };
        if (await WriteAsHolderAsync(holding, marked, attempts: 3).ConfigureAwait(false))
        {
            holding.Claim = marked;
        }
    }

    /// <summary>A compare-and-set on the holder's own lease revision; true when it landed and counts.</summary>
    private async ValueTask<bool> WriteAsHolderAsync(Holding holding, ClusterEnvelope envelope, int attempts)
    {
        for (var attempt = 0; attempt < attempts && !holding.Lost && Replicas.Epoch == holding.Epoch && Volatile.Read(ref _disposed) == 0; attempt++)
        {
            var sentAt = _time.GetTimestamp();
            var write = await _bucket.PutAsync(holding.Key, Codec.Encode(holding.Key, envelope), holding.Revision, CancellationToken.None).ConfigureAwait(false);
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    Replicas.ApplyOwnWrite(holding.Key, write.Revision, envelope);
                    holding.Confirm(write.Revision, sentAt);
                    return true;

                case WriteStatus.Conflict:
                    var seen = await Replicas.WaitForRevisionAsync(holding.Key, write.Revision, _options.CallTimeout, CancellationToken.None).ConfigureAwait(false);
                    if (seen.Lease?.Token != holding.Token)
                    {
                        holding.Lost = true;
                        return false;
                    }

                    holding.Adopt(seen.Revision);
                    continue;
                case WriteStatus.Unknown:
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private Renewal StartRenewing(Holding holding)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        return new Renewal(RenewAsync(holding, stop.Token), stop);
    }

    /// <summary>
    /// Renews the lease every third of it. An attempt without an answer is retried at once with the same
    /// lease; a conflict is resolved by looking at the replica (a renewal that landed unacknowledged still
    /// shows our token). The holder stops when its own monotonic clock says the lease lapsed: its lease is
    /// counted from when it sent the earliest attempt that may have produced it, never from an acknowledgement.
    /// </summary>
    private async Task RenewAsync(Holding holding, CancellationToken stop)
    {
        long pendingSince = 0;
        while (!stop.IsCancellationRequested)
        {
            if (pendingSince == 0)
            {
                var due = _options.RenewInterval - _time.GetElapsedTime(holding.ConfirmedSentAt);
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, _time, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }

            if (holding.Lost || Replicas.Epoch != holding.Epoch)
            {
                holding.Lost = true;
                return;
            }

            // An attempt whose answer never came may have landed: the replica shows it (our token, counted).
            var current = Replicas.Get(holding.Key);
            if (pendingSince != 0 && IsNewerWriteOf(current, holding))
            {
                holding.Confirm(current.Revision, pendingSince);
                pendingSince = 0;
                continue;
            }

            var remaining = _options.LeaseDuration - _time.GetElapsedTime(holding.ConfirmedSentAt);
            if (remaining <= TimeSpan.Zero)
            {
                Log.OwnLeaseLapsed(_logger, holding.Key, _options.LeaseDuration);
                holding.Lost = true;
                return;
            }

            var sentAt = _time.GetTimestamp();
            pendingSince = pendingSince == 0 ? sentAt : pendingSince;

            // Two attempts fit in the two thirds of the lease left after the first renewal is due. While the
            // answer is on its way, the watcher may already show the renewal: that is proof enough.
            var put = _bucket.PutAsync(holding.Key, Codec.Encode(holding.Key, holding.Claim), holding.Revision, Min(remaining, _options.RenewInterval), CancellationToken.None).AsTask();
            var (answer, echo) = await AnswerOrEchoAsync(holding.Key, put, seen => IsNewerWriteOf(seen, holding)).ConfigureAwait(false);
            if (echo is not null)
            {
                holding.Confirm(echo.Revision, pendingSince);
                pendingSince = 0;
                continue;
            }

            var write = answer!.Value;
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    NoteAvailable();
                    Replicas.ApplyOwnWrite(holding.Key, write.Revision, holding.Claim);
                    holding.Confirm(write.Revision, pendingSince);
                    pendingSince = 0;
                    break;
                case WriteStatus.Conflict:
                    var seen = await Replicas.WaitForRevisionAsync(holding.Key, write.Revision, Min(_options.CallTimeout, remaining), CancellationToken.None).ConfigureAwait(false);
                    if (seen.Lease?.Token == holding.Token && seen.Revision > holding.Revision)
                    {
                        // An earlier attempt landed without its acknowledgement reaching us.
                        holding.Confirm(seen.Revision, pendingSince);
                        pendingSince = 0;
                    }
                    else if (seen.Revision < write.Revision && write.Revision >= holding.Revision)
                    {
                        // The watcher has not delivered it yet: try again (the conflict says where the key is).
                    }
                    else
                    {
                        holding.Lost = true;
                        return;
                    }

                    break;
                case WriteStatus.Unknown:
                    NoteUnavailable(holding.Key, write.Reason ?? "no answer");
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    break;
                default:
                    holding.Lost = true;
                    return;
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The replica shows this lease at a revision after the one the holder knows: a write of it landed.</summary>
    private static bool IsNewerWriteOf(ReplicaState state, Holding holding) =>
        state.Epoch == holding.Epoch && state.Revision > holding.Revision && state.Lease?.Token == holding.Token;

    private sealed class Renewal(Task running, CancellationTokenSource stop)
    {
        public async ValueTask StopAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
            stop.Dispose();
        }
    }

    /// <summary>A lease this process holds.</summary>
    private sealed class Holding(string key, ClusterEnvelope claim, ulong revision, long confirmedSentAt, long epoch)
    {
        private readonly Lock _lock = new();
        private ulong _revision = revision;
        private long _confirmedSentAt = confirmedSentAt;
        private volatile bool _lost;

        public string Key { get; } = key;

        public string Token => Claim.Lease!.Token;

        /// <summary>What renewals write (marked abandoned once the fetch timed out).</summary>
        public ClusterEnvelope Claim { get; set; } = claim;

        /// <summary>The revision the claim landed at: a clear after it wins over the fetched value.</summary>
        public ulong ClaimRevision { get; } = revision;

        public long Epoch { get; } = epoch;

        /// <summary>The revision of the lease's last write: the next write of the holder compares-and-sets on it.</summary>
        public ulong Revision
        {
            get
            {
                lock (_lock)
                {
                    return _revision;
                }
            }
        }

        /// <summary>When the write behind <see cref="Revision"/> was sent (runtime clock): the lease lapses a lease duration after.</summary>
        public long ConfirmedSentAt
        {
            get
            {
                lock (_lock)
                {
                    return _confirmedSentAt;
                }
            }
        }

        public bool Lost
        {
            get => _lost;
            set => _lost = value;
        }

        public void Confirm(ulong revision, long sentAt)
        {
            lock (_lock)
            {
                _revision = Math.Max(_revision, revision);
                _confirmedSentAt = sentAt;
            }
        }

        /// <summary>Compare-and-set on <paramref name="revision"/> from now on (a write of this lease found there); its lapse is unchanged.</summary>
        public void Adopt(ulong revision)
        {
            lock (_lock)
            {
                _revision = Math.Max(_revision, revision);
            }
        }
    }
}
