using System;
using System.Collections.Generic;
using System.Diagnostics;
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
    /// <param name="refreshAhead">Zero for a miss; the eager window for an eager refresh (a value that is already out of its window was refreshed by another process, and is taken).</param>
    /// <param name="fetch">Runs the user's fetch; called at most once per call of this method.</param>
    /// <param name="refreshing">
    /// The value id this process holds and is refreshing, when known: a bucket value with another id was
    /// refreshed elsewhere and is taken while it is valid (even inside its own window, so values that live
    /// shorter than the window are not refetched in a loop); the bucket still holding this id is claimed
    /// over even before <paramref name="refreshAhead"/> says so (an eager refresh started early, jittered,
    /// so that processes sharing a key do not all claim at the same instant).
    /// </param>
    /// <param name="cancellationToken">Cancels waiting; the fetch receives it as well.</param>
    public ValueTask<ClusterFetchResult> FetchAsync(
        string key,
        TimeSpan refreshAhead,
        Func<CancellationToken, ValueTask<ClusterFetchOutcome>> fetch,
        string? refreshing = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return FetchAsync(key, refreshAhead, (_, ct) => fetch(ct), refreshing, cancellationToken);
    }

    /// <inheritdoc cref="FetchAsync(string, TimeSpan, Func{CancellationToken, ValueTask{ClusterFetchOutcome}}, string?, CancellationToken)"/>
    /// <param name="fetch">
    /// Runs the user's fetch, given the envelope this process claimed the lease on: a stateful fetch receives
    /// its state (the state of the last write that landed before the claim).
    /// </param>
    public ValueTask<ClusterFetchResult> FetchAsync(
        string key,
        TimeSpan refreshAhead,
        Func<ClusterEnvelope, CancellationToken, ValueTask<ClusterFetchOutcome>> fetch,
        string? refreshing = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fetch);
        return DecideAsync(key, refreshAhead, refreshing, fetch, inHand: null, cancellationToken);
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// The decision loop of a process that needs a value: take a fresh one, wait for another process's
    /// lease, or claim the lease (with <paramref name="inHand"/>: write the value this process already
    /// fetched, when the key is free). Every decision is made on the replica; a write that conflicts or whose
    /// outcome is unknown only sends the loop round again (an unknown claim keeps its token: if it landed,
    /// the replica shows it).
    /// </summary>
    private async ValueTask<ClusterFetchResult> DecideAsync(
        string key,
        TimeSpan refreshAhead,
        string? refreshing,
        Func<ClusterEnvelope, CancellationToken, ValueTask<ClusterFetchOutcome>>? fetch,
        InHand? inHand,
        CancellationToken cancellationToken)
    {
        HashSet<string>? waitedFor = null;
        var synced = false;
        PendingClaim? pending = null;
        long unavailableSince = 0;
        string? unavailableReason = null;
        var backoff = TimeSpan.FromMilliseconds(25);
        var attempts = 0;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsConnected && !await AwaitReconnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return GiveUp(inHand, "not connected to NATS");
            }

            if (unavailableSince != 0 && Stopwatch.GetElapsedTime(unavailableSince) > _options.UnavailableBudget)
            {
                return GiveUp(inHand, $"JetStream did not answer for {_options.UnavailableBudget} ({unavailableReason})");
            }

            if (!Replicas.Ready.IsCompleted)
            {
                // A snapshot is being applied (the stream was recreated) or the bucket is missing: wait, within the budget.
                unavailableSince = unavailableSince == 0 ? Stopwatch.GetTimestamp() : unavailableSince;
                unavailableReason = BucketMissing ? "the bucket is missing" : "the replicas are being resynced";
                await WaitRealAsync(Replicas.Ready, backoff = Next(backoff), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var (state, next) = Replicas.GetWithSignal(key);
            var now = _time.GetUtcNow();
            var envelope = state.Kind == ReplicaKind.Present ? state.Envelope : null;
            if (IsRejected(key, envelope))
            {
                // A caller here rejected that value (compare-and-clear): it is as good as gone.
                envelope = envelope! with { ValueId = null, Data = null, ExpiresAt = null, FetchedBy = null, FetchedAt = null };
            }

            // A write of ours whose outcome was unknown has landed.
            if (pending is not null && envelope?.Lease?.Token == pending.Claim.Lease!.Token)
            {
                return await HoldAsync(key, envelope, state.Revision, pending.FirstSentAt, fetch!, cancellationToken).ConfigureAwait(false);
            }

            if (inHand is not null && envelope?.ValueId == inHand.Final.ValueId)
            {
                return ClusterFetchResult.Fetched(inHand.Outcome, inHand.Final.ValueId);
            }

            // 1. A value that is fresh enough is already there: take it. (Refreshing a known value: any other
            // valid value is fresher; the known one itself is refreshed.)
            if (envelope is not null && envelope.IsValidAt(now)
                && (refreshing is not null && envelope.ValueId is { } valueId
                    ? !string.Equals(valueId, refreshing, StringComparison.Ordinal)
                    : envelope.ClaimsValidityBeyond(now + refreshAhead)))
            {
                return ClusterFetchResult.FromBucket(envelope);
            }

            // ... one this process cannot read is never evicted while it claims to be valid.
            if (envelope is { IsReadable: false } unreadable && unreadable.ClaimsValidityBeyond(now))
            {
                return inHand is not null ? ClusterFetchResult.Fetched(inHand.Outcome) : ClusterFetchResult.Unreadable(unreadable.Unreadable!);
            }

            // 2. The fetch this call waited for failed: that is this call's outcome (a later call fetches).
            if (inHand is null && envelope is { Lease: null, FailedLease: { } failedLease } && waitedFor?.Contains(failedLease) == true)
            {
                return ClusterFetchResult.FailedElsewhere(envelope.Error ?? "the fetch in another process failed (its reason is not readable here)");
            }

            // A clear that came after this process claimed wins over the value it fetched.
            if (inHand is not null && state.Epoch == inHand.Epoch && state.Kind == ReplicaKind.Deleted && state.Revision > inHand.ClaimRevision)
            {
                return ClusterFetchResult.Fetched(inHand.Outcome);
            }

            // 3. Another process holds a lease: wait for its value, at most until the lease lapses. (A lease of
            // this process that its holder gave up on is not waited for: the value in hand is written over it.)
            if (envelope?.Lease is { } lease && lease.Token != pending?.Claim.Lease!.Token && lease.Token != inHand?.LeaseToken)
            {
                var held = _time.GetElapsedTime(state.ObservedAt);
                if (held < lease.Duration)
                {
                    if (envelope.Abandoned)
                    {
                        // Its fetch timed out and still runs: no second upstream call while it does.
                        return inHand is not null
                            ? ClusterFetchResult.Fetched(inHand.Outcome)
                            : ClusterFetchResult.FailedElsewhere(envelope.Error ?? $"the fetch of '{key}' on {lease.Holder} timed out and is still running");
                    }

                    // Before waiting, make sure the replica is not behind the server: a failure that happened
                    // before this call is not this call's outcome.
                    if (!synced)
                    {
                        synced = true;
                        if (await SyncAsync(key, state.Revision, cancellationToken).ConfigureAwait(false))
                        {
                            continue;
                        }
                    }

                    (waitedFor ??= new HashSet<string>(StringComparer.Ordinal)).Add(lease.Token);
                    Interlocked.Increment(ref _waiting);
                    try
                    {
                        await WaitForChangeAsync(next, lease.Duration - held, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _waiting);
                    }

                    continue;
                }

                Log.LeaseLapsed(_logger, key, lease.Holder, held);
            }

            if (++attempts > 1000)
            {
                // Cannot happen unless the key is written in a tight loop by others; never spin forever.
                return GiveUp(inHand, "lease contention");
            }

            // 4. Claim the lease (carrying the current value along, so replicas keep serving it), or write the value in hand.
            var carried = envelope is { IsReadable: true } ? envelope.ValueOnly() : new ClusterEnvelope();
            var toWrite = inHand?.Final ?? pending?.Claim ?? carried with { Lease = new ClusterLease(NodeName, NewToken(), _options.LeaseDuration) };
            if (inHand is not null && carried.StateVersion != inHand.BasedOnStateVersion)
            {
                // The state changed after this process claimed (a put, an update): the value goes in, over the newer state.
                toWrite = toWrite with { State = carried.State, StateVersion = carried.StateVersion };
                inHand = inHand with { Final = toWrite };
            }
            if (inHand is null && pending is not null && carried.ValueId != pending.Claim.ValueId)
            {
                toWrite = carried with { Lease = pending.Claim.Lease };
                pending = pending with { Claim = toWrite };
            }

            var sentAt = _time.GetTimestamp();
            if (inHand is null)
            {
                Interlocked.Increment(ref _claimAttempts);
            }

            var put = _bucket.PutAsync(key, Codec.Encode(key, toWrite), state.Revision, cancellationToken).AsTask();
            var (answer, echo) = await AnswerOrEchoAsync(key, put, seen => seen.Epoch == state.Epoch && seen.Revision > state.Revision && IsWriteOf(seen, toWrite)).ConfigureAwait(false);
            if (echo is not null)
            {
                // The watcher shows the write before its answer came: it landed.
                NoteAvailable();
                return inHand is not null
                    ? ClusterFetchResult.Fetched(inHand.Outcome, inHand.Final.ValueId)
                    : await HoldAsync(key, toWrite, echo.Revision, pending?.FirstSentAt ?? sentAt, fetch!, cancellationToken).ConfigureAwait(false);
            }

            var write = answer!.Value;
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    NoteAvailable();
                    Replicas.ApplyOwnWrite(key, write.Revision, toWrite);
                    return inHand is not null
                        ? ClusterFetchResult.Fetched(inHand.Outcome, inHand.Final.ValueId)
                        : await HoldAsync(key, toWrite, write.Revision, pending?.FirstSentAt ?? sentAt, fetch!, cancellationToken).ConfigureAwait(false);
                case WriteStatus.Conflict:
                    NoteAvailable();
                    unavailableSince = 0;
                    if (write.Revision != 0 && write.Revision < state.Revision)
                    {
                        await ResolveBackwardsRevisionAsync(key, write.Revision, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    // Someone wrote first (or an earlier attempt of ours landed): look at what is there before deciding again.
                    var seen = await Replicas.WaitForRevisionAsync(key, Math.Max(write.Revision, state.Revision + 1), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
                    if (seen.Revision <= state.Revision)
                    {
                        unavailableSince = unavailableSince == 0 ? Stopwatch.GetTimestamp() : unavailableSince;
                        unavailableReason = "the watcher did not deliver the newer revision";
                    }

                    continue;
                case WriteStatus.Unknown:
                    Log.OutcomeUnknown(_logger, key, write.Reason ?? "no answer");
                    NoteUnavailable(key, write.Reason ?? "no answer");
                    if (write.Reason?.StartsWith("no responders", StringComparison.Ordinal) == true)
                    {
                        SuspectStream();
                    }

                    unavailableSince = unavailableSince == 0 ? Stopwatch.GetTimestamp() : unavailableSince;
                    unavailableReason = write.Reason;
                    if (inHand is null)
                    {
                        // If it landed, the watcher shows our token: the same claim is kept for the next round.
                        pending ??= new PendingClaim(toWrite, sentAt);
                    }

                    await WaitRealAsync(next, backoff = Next(backoff), cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    Log.NotShared(_logger, key, write.Reason ?? "refused by the server");
                    return GiveUp(inHand, write.Reason ?? "the server refused the write");
            }
        }
    }

    private static TimeSpan Next(TimeSpan backoff) => backoff < TimeSpan.FromSeconds(1) ? backoff * 2 : backoff;

    /// <summary>Whether <paramref name="state"/> is <paramref name="written"/> (its lease, or its value): this process's write.</summary>
    private static bool IsWriteOf(ReplicaState state, ClusterEnvelope written) =>
        state.Kind == ReplicaKind.Present && state.Envelope is { } envelope && (written.Lease is { } lease
            ? envelope.Lease?.Token == lease.Token
            : written.ValueId is not null && envelope.ValueId == written.ValueId && envelope.Lease is null);

    /// <summary>
    /// Waits for a write's answer, or for the replica to show what <paramref name="isEcho"/> recognises (the
    /// write, or an earlier attempt of it, has landed; its answer may come much later or never).
    /// </summary>
    private async ValueTask<(WriteResult? Answer, ReplicaState? Echo)> AnswerOrEchoAsync(string key, Task<WriteResult> put, Func<ReplicaState, bool> isEcho)
    {
        while (!put.IsCompleted)
        {
            var (state, next) = Replicas.GetWithSignal(key);
            if (isEcho(state))
            {
                return (null, state);
            }

            await Task.WhenAny(put, next).ConfigureAwait(false);
        }

        return (await put.ConfigureAwait(false), null);
    }

    private static ClusterFetchResult GiveUp(InHand? inHand, string why) =>
        inHand is not null ? ClusterFetchResult.Fetched(inHand.Outcome) : ClusterFetchResult.Unreachable(why);

    /// <summary>
    /// Brings the replica of <paramref name="key"/> up to the server's last revision (a read the stream
    /// leader answers). True when it was behind or ahead (the caller looks again), false when current or unknown.
    /// </summary>
    private async ValueTask<bool> SyncAsync(string key, ulong known, CancellationToken cancellationToken)
    {
        var read = await _bucket.ReadRevisionAsync(key, cancellationToken).ConfigureAwait(false);
        if (!read.Known)
        {
            return false;
        }

        if (read.StreamMissing)
        {
            SuspectStream();
            return false;
        }

        if (read.Revision > known)
        {
            await Replicas.WaitForRevisionAsync(key, read.Revision, _options.CallTimeout, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (read.Revision < known)
        {
            await ResolveBackwardsRevisionAsync(key, read.Revision, cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task WaitForChangeAsync(Task nextChange, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            // The lease's lapse is measured on the runtime's clock (a fake one in tests).
            await Task.WhenAny(nextChange, Replicas.EpochChanged).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The lease may have lapsed: the loop decides.
        }
    }

    /// <summary>Waits for <paramref name="signal"/> or for <paramref name="timeout"/> of real time (network retries).</summary>
    private static async Task WaitRealAsync(Task signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>A claim of this process whose outcome is not known yet: if it landed, the watcher shows its token.</summary>
    private sealed record PendingClaim(ClusterEnvelope Claim, long FirstSentAt);

    /// <summary>A value this process fetched but could not write under its lease (lost or fenced): written when the key is free.</summary>
    /// <param name="BasedOnStateVersion">The state version of the claim: the value in hand carries the next state only over that one.</param>
    private sealed record InHand(ClusterFetchOutcome Outcome, ClusterEnvelope Final, string LeaseToken, ulong ClaimRevision, long Epoch, long BasedOnStateVersion);
}
