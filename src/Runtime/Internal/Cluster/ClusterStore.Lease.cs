using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

internal sealed partial class ClusterStore
{
    /// <summary>
    /// Gets a value for <paramref name="key"/> that stays valid beyond now + <paramref name="refreshAhead"/>:
    /// one already in the bucket, or one this process fetches after winning the lease, or the one the
    /// lease holder writes while this process waits.
    /// </summary>
    /// <param name="key">The bucket key.</param>
    /// <param name="refreshAhead">Zero for a miss; the eager window for an eager refresh (a value that
    /// is already out of its window was refreshed by another process, and is taken).</param>
    /// <param name="fetch">Runs the user's fetch; called at most once per call of this method.</param>
    /// <param name="cancellationToken">Cancels waiting; the fetch receives it as well.</param>
    public async ValueTask<ClusterFetchResult> FetchAsync(
        string key,
        TimeSpan refreshAhead,
        Func<CancellationToken, ValueTask<ClusterFetchOutcome>> fetch,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fetch);
        var waitedForOther = false;
        var attempts = 0;
        ReplicaState? fresher = null;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsConnected && !await AwaitReconnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return await FetchUncoordinatedAsync(key, fetch, "not connected", cancellationToken).ConfigureAwait(false);
            }

            var (state, nextChange) = Replicas.GetWithSignal(key);
            if (fresher is { } read && read.Revision > state.Revision)
            {
                state = read;
            }

            fresher = null;
            var now = _time.GetUtcNow();
            var envelope = state.Envelope;

            // A newer value is already there (another process refreshed it): take it, fetch nothing.
            if (envelope is not null && envelope.IsFreshBeyond(now + refreshAhead) && !state.LocalOnly)
            {
                return ClusterFetchResult.FromBucket(envelope);
            }

            // The fetch this process waited for failed: that is the outcome of every waiter.
            if (waitedForOther && envelope is { Lease: null, Failure: { } failure })
            {
                return ClusterFetchResult.FailedElsewhere(failure);
            }

            if (envelope?.Lease is { } lease)
            {
                var held = _time.GetElapsedTime(state.ObservedAt);
                if (held < lease.Duration)
                {
                    waitedForOther = true;
                    await WaitForChangeAsync(nextChange, lease.Duration - held, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                Log.LeaseLapsed(_logger, key, lease.Holder, held);
            }

            if (++attempts > 1000)
            {
                // Cannot happen unless the bucket is written in a tight loop by others; never spin forever.
                return await FetchUncoordinatedAsync(key, fetch, "lease contention", cancellationToken).ConfigureAwait(false);
            }

            // Claim: the current envelope (a still-valid value keeps being served) plus our lease.
            var claim = new ClusterEnvelope
            {
                Data = envelope is not null && envelope.IsValidAt(now) ? envelope.Data : null,
                ExpiresAt = envelope is not null && envelope.IsValidAt(now) ? envelope.ExpiresAt : null,
                FetchedBy = envelope?.FetchedBy,
                FetchedAt = envelope?.FetchedAt,
                Lease = new ClusterLease(NodeName, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), _options.LeaseDuration),
            };

            // Revision 0 means "create only if the key never existed"; a deleted or malformed key
            // is taken over with a CAS on its last revision.
            var write = await WriteOwnLeaseAsync(key, claim, state.Revision, cancellationToken).ConfigureAwait(false);
            if (write.UnknownBecause is { } why)
            {
                return await FetchUncoordinatedAsync(key, fetch, why, cancellationToken).ConfigureAwait(false);
            }

            if (write.Revision is null && write.ReadBack is { } seen)
            {
                fresher = seen;
                continue;
            }

            var leaseRevision = write.Revision;

            if (leaseRevision is { } won && (_options.ConfirmClaims ?? _options.Replicas > 1))
            {
                leaseRevision = await ConfirmClaimAsync(key, claim, won, cancellationToken).ConfigureAwait(false);
            }

            if (leaseRevision is not { } revision)
            {
                // Lost the race: someone wrote first. Look at what they wrote before deciding again.
                fresher = await TryReadThroughAsync(key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            Replicas.Apply(key, revision, ReplicaKind.Present, claim);
            return await FetchAsHolderAsync(key, claim, revision, fetch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A second compare-and-set on the claim's own revision: of several claims accepted at once, only the latest confirms.</summary>
    private async ValueTask<ulong?> ConfirmClaimAsync(string key, ClusterEnvelope claim, ulong revision, CancellationToken cancellationToken) =>
        (await WriteOwnLeaseAsync(key, claim, revision, cancellationToken).ConfigureAwait(false)).Revision;

    /// <summary>
    /// A compare-and-set of this process's own lease envelope (claim, confirm, renew). A timeout
    /// leaves the outcome unknown, so the key is read back: the write landed if the stored lease
    /// carries our token. <see cref="LeaseWrite.UnknownBecause"/> is set when even that read failed.
    /// </summary>
    private async ValueTask<LeaseWrite> WriteOwnLeaseAsync(string key, ClusterEnvelope claim, ulong expectedRevision, CancellationToken cancellationToken)
    {
        try
        {
            var revision = await _bucket.CompareAndSetAsync(key, Codec.Encode(key, claim), expectedRevision, cancellationToken).ConfigureAwait(false);
            return new LeaseWrite(revision, ReadBack: null, UnknownBecause: null);
        }
        catch (ClusterCallTimeoutException ex)
        {
            Log.OutcomeUnknown(_logger, key, ex.Message);
            var check = await TryReadThroughAsync(key, cancellationToken).ConfigureAwait(false);
            if (check is null)
            {
                return new LeaseWrite(null, ReadBack: null, UnknownBecause: ex.Message);
            }

            var ours = check.Envelope?.Lease?.Token == claim.Lease!.Token;
            return new LeaseWrite(ours ? check.Revision : null, ReadBack: check, UnknownBecause: null);
        }
    }

    /// <summary>What a lease write did: the new revision (null: lost), the state read back after a timeout, or why it is still unknown.</summary>
    private readonly record struct LeaseWrite(ulong? Revision, ReplicaState? ReadBack, string? UnknownBecause);

    private async ValueTask<ClusterFetchResult> FetchAsHolderAsync(
        string key,
        ClusterEnvelope claim,
        ulong leaseRevision,
        Func<CancellationToken, ValueTask<ClusterFetchOutcome>> fetch,
        CancellationToken cancellationToken)
    {
        var holding = new LeaseHolding(leaseRevision);
        using var stopRenewing = new CancellationTokenSource();
        var renewing = RenewAsync(key, claim, holding, stopRenewing.Token);
        ClusterFetchOutcome outcome;
        try
        {
            try
            {
                outcome = await fetch(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stopRenewing.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: hand the lease back rather than make the others wait for it to lapse.
            await TryReleaseAsync(key, claim, holding).ConfigureAwait(false);
            throw;
        }

        if (holding.Lost)
        {
            // Taken over or cleared while fetching: the caller gets its value, the bucket keeps the newer state.
            Log.Fenced(_logger, key);
            return ClusterFetchResult.Fetched(outcome, stored: false);
        }

        var now = _time.GetUtcNow();
        var storable = outcome.Data is not null && (outcome.ExpiresAt is null || outcome.ExpiresAt > now);
        var final = new ClusterEnvelope { Data = outcome.Data, ExpiresAt = outcome.ExpiresAt, FetchedBy = NodeName, FetchedAt = now };
        byte[]? encoded = null;
        if (storable)
        {
            try
            {
                encoded = Codec.Encode(key, final);
            }
            catch (InvalidOperationException ex)
            {
                // Too large to share: this process's callers get it; the waiters compete and fetch for themselves.
                Log.NotShared(_logger, key, ex.Message);
                storable = false;
            }
        }

        if (!storable)
        {
            // Release the lease; keep serving the previous still-valid value; tell the waiters why
            // (a failure is their outcome too; a value that was not shared is not).
            final = claim with
            {
                Lease = null,
                Data = claim.IsValidAt(now) ? claim.Data : null,
                ExpiresAt = claim.IsValidAt(now) ? claim.ExpiresAt : null,
                Failure = outcome.Data is null ? outcome.Failure ?? "the fetch failed" : outcome.ExpiresAt <= now ? "the fetched value had already expired" : null,
            };
        }

        try
        {
            // Fencing: the write succeeds only on the revision of our own (last renewed) lease.
            var written = await _bucket.CompareAndSetAsync(key, encoded ?? Codec.Encode(key, final), holding.Revision, CancellationToken.None).ConfigureAwait(false);
            if (written is { } revision)
            {
                Replicas.Apply(key, revision, ReplicaKind.Present, final);
                return ClusterFetchResult.Fetched(outcome, stored: storable);
            }

            Log.Fenced(_logger, key);
            return ClusterFetchResult.Fetched(outcome, stored: false);
        }
        catch (ClusterCallTimeoutException ex)
        {
            // Outcome unknown: serve the value here; the watcher brings whatever the bucket holds.
            Log.OutcomeUnknown(_logger, key, ex.Message);
            if (storable)
            {
                Replicas.ApplyLocal(key, final);
            }

            return ClusterFetchResult.Fetched(outcome, stored: false);
        }
    }

    private async ValueTask TryReleaseAsync(string key, ClusterEnvelope claim, LeaseHolding holding)
    {
        if (holding.Lost || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            var released = claim.IsValidAt(_time.GetUtcNow()) ? claim with { Lease = null } : new ClusterEnvelope(); // no failure: the waiters compete again
            await _bucket.CompareAndSetAsync(key, Codec.Encode(key, released), holding.Revision, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ClusterCallTimeoutException)
        {
            // The lease lapses by itself.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Renews the lease about every third of its duration until stopped or lost.</summary>
    private async Task RenewAsync(string key, ClusterEnvelope claim, LeaseHolding holding, CancellationToken stop)
    {
        var interval = _options.LeaseDuration / 3;
        while (true)
        {
            try
            {
                await Task.Delay(interval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Not cancelled by `stop`: a renewal cut short would leave its outcome unknown.
            var renewal = await WriteOwnLeaseAsync(key, claim, holding.Revision, CancellationToken.None).ConfigureAwait(false);
            if (renewal.UnknownBecause is not null)
            {
                continue; // still unknown: try again at the next interval
            }

            if (renewal.Revision is not { } revision)
            {
                holding.Lost = true;
                return;
            }

            holding.Revision = revision;
            if (renewal.ReadBack is null)
            {
                Replicas.Apply(key, revision, ReplicaKind.Present, claim);
            }
        }
    }

    /// <summary>NATS cannot coordinate: fetch here (default) or fail, as configured.</summary>
    private async ValueTask<ClusterFetchResult> FetchUncoordinatedAsync(
        string key,
        Func<CancellationToken, ValueTask<ClusterFetchOutcome>> fetch,
        string why,
        CancellationToken cancellationToken)
    {
        if (!_options.FetchLocallyWhenDisconnected)
        {
            return ClusterFetchResult.Unreachable($"The cluster store (NATS) is unreachable ({why}) and fetching without it is disabled.");
        }

        Log.FetchingUncoordinated(_logger, key, why);
        var outcome = await fetch(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (outcome.Data is not null && (outcome.ExpiresAt is null || outcome.ExpiresAt > now))
        {
            Replicas.ApplyLocal(key, new ClusterEnvelope { Data = outcome.Data, ExpiresAt = outcome.ExpiresAt, FetchedBy = NodeName, FetchedAt = now });
        }

        return ClusterFetchResult.Fetched(outcome, stored: false);
    }

    private async ValueTask<ReplicaState?> TryReadThroughAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadThroughAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterCallTimeoutException ex)
        {
            Log.OutcomeUnknown(_logger, key, ex.Message);
            return null;
        }
    }

    private async Task WaitForChangeAsync(Task nextChange, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await nextChange.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The lease may have lapsed: the loop decides.
        }
    }

    private sealed class LeaseHolding(ulong revision)
    {
        private long _revision = (long)revision;
        private volatile bool _lost;

        public ulong Revision
        {
            get => (ulong)Interlocked.Read(ref _revision);
            set => Interlocked.Exchange(ref _revision, (long)value);
        }

        public bool Lost
        {
            get => _lost;
            set => _lost = value;
        }
    }
}
