using System;
using System.Threading;

namespace ExpirableStore.Internal;

internal sealed partial class ExpirableCore<T>
{
    /// <summary>Retry delays are cut by up to this fraction at random, so that many processes do not retry in step.</summary>
    internal const double EagerRetryJitter = 0.2;

    /// <summary>
    /// A cluster-scoped eager refresh on a shared bucket starts up to this fraction of its margin early (at
    /// most <see cref="MaxEagerStartJitter"/>), at random: N processes x M keys with one expiry then do not
    /// claim their leases at the same instant. Never later than <c>ExpiresAt - d</c>.
    /// </summary>
    internal const double EagerStartJitter = 0.1;

    internal static readonly TimeSpan MaxEagerStartJitter = TimeSpan.FromSeconds(30);

    private static readonly TimerCallback OnEagerTimer = static state =>
    {
        var (core, entry) = ((WeakReference<ExpirableCore<T>>, CacheEntry<T>))state!;
        if (core.TryGetTarget(out var target))
        {
            target.OnEagerTimerFired(entry);
        }
    };

    private readonly bool _eagerJitter;

    // A pending timer must not keep an abandoned runtime alive: it holds the core weakly.
    private WeakReference<ExpirableCore<T>>? _weakSelf;

    /// <summary>
    /// The delay before eager retry number <paramref name="attempt"/> (1-based): doubling from
    /// <paramref name="initial"/>, capped at <paramref name="max"/>, minus up to <see cref="EagerRetryJitter"/>
    /// of it (<paramref name="random"/> in [0, 1)). Computed in floating point: no attempt count or duration overflows.
    /// </summary>
    internal static TimeSpan RetryDelay(int attempt, TimeSpan initial, TimeSpan max, double random)
    {
        var milliseconds = initial.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 1023));
        if (!(milliseconds < max.TotalMilliseconds))
        {
            milliseconds = max.TotalMilliseconds;
        }

        return TimeSpan.FromMilliseconds(milliseconds * (1 - (EagerRetryJitter * random)));
    }

    private object EagerTimerState(CacheEntry<T> entry) => (_weakSelf ??= new WeakReference<ExpirableCore<T>>(this), entry);

    private void ArmEagerLocked(CacheEntry<T> entry, DateTimeOffset now, bool refreshAtOnceInWindow)
    {
        var windowOpens = entry.ExpiresAt!.Value - Definition.EagerBefore!.Value;
        if (windowOpens <= now)
        {
            if (refreshAtOnceInWindow)
            {
                // Stored already inside the eager window: refresh once, right away. Not through a zero-delay
                // timer, which a fake clock fires synchronously under our gate.
                StartEagerRefreshLocked(entry);
            }

            return;
        }

        entry.EagerDueAt = windowOpens - StartJitter(windowOpens - now);
        entry.EagerTimer = Background.CreateTimerAt(_time, OnEagerTimer, EagerTimerState(entry), entry.EagerDueAt, now);
        if (entry.EagerTimer is null && refreshAtOnceInWindow)
        {
            // The clock reached the refresh while the timer was being armed.
            StartEagerRefreshLocked(entry);
        }
    }

    /// <summary>How much earlier than the window this refresh starts: within <paramref name="room"/>, so never before now.</summary>
    private TimeSpan StartJitter(TimeSpan room)
    {
        if (!_eagerJitter)
        {
            return TimeSpan.Zero;
        }

        var max = Definition.EagerBefore!.Value * EagerStartJitter;
        if (max > MaxEagerStartJitter)
        {
            max = MaxEagerStartJitter;
        }

        if (max > room)
        {
            max = room;
        }

#pragma warning disable CA5394 // jitter, not security
        return max * Random.Shared.NextDouble();
#pragma warning restore CA5394
    }

    private void OnEagerTimerFired(CacheEntry<T> entry)
    {
        try
        {
            lock (_gate)
            {
                if (entry.EagerTimer is not { } timer)
                {
                    return; // cancelled, or already started by a clock check
                }

                // Long waits are armed in steps (Background.MaxTimerDelay), and a clock stepped back makes
                // a timer early: wait on until the refresh is due by the runtime's clock.
                var dueIn = entry.EagerDueAt - _time.GetUtcNow();
                if (dueIn > TimeSpan.Zero)
                {
                    timer.Change(Background.TimerDelay(dueIn), Timeout.InfiniteTimeSpan);
                    return;
                }

                entry.EagerTimer = null;
                timer.Dispose();
                StartEagerRefreshLocked(entry);
            }
        }
        catch (ObjectDisposedException)
        {
            // Retired meanwhile.
        }
#pragma warning disable CA1031 // a timer callback must never throw: that would end the process
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.TimerFailed(_logger, Key, ex);
        }
    }

    /// <summary>After a forward clock step: start the refresh the step made due, or re-arm its timer for the new clock.</summary>
    private void RearmEagerAfterClockStepLocked(CacheEntry<T> entry, DateTimeOffset now)
    {
        if (entry.EagerTimer is not { } timer)
        {
            return;
        }

        var dueIn = entry.EagerDueAt - now;
        if (dueIn <= TimeSpan.Zero)
        {
            entry.EagerTimer = null;
            timer.Dispose();
            StartEagerRefreshLocked(entry);
            return;
        }

        try
        {
            timer.Change(Background.TimerDelay(dueIn), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Retired meanwhile.
        }
    }

    private void StartEagerRefreshLocked(CacheEntry<T> entry)
    {
        // A replaced or cleared entry's timer may still fire once: ignore it. A running flight will
        // replace the entry anyway, so one refresh per cycle holds.
        if (_shutDown || !ReferenceEquals(_owner.Entry, entry) || entry.Expired || _flight is not null)
        {
            return;
        }

        if (_fetchRun is { IsHanging: true })
        {
            // The last fetch still hangs past its timeout: this attempt fails at once, without a new call.
            ScheduleEagerRetryLocked(entry);
            return;
        }

        Log.EagerRefreshStarting(_logger, Key);
        ExpirableTelemetry.Add(Telemetry.EagerRefreshes, _nameTag, _scopeTag);

        // A background refresh has no caller: its span is a root.
        _ = JoinOrStartFlightLocked(RefreshReason.Eager, entry, parent: default);
    }

    private void ScheduleEagerRetryLocked(CacheEntry<T> entry)
    {
        if (!ReferenceEquals(_owner.Entry, entry) || entry.Expired || entry.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        var attempt = entry.EagerAttempts < int.MaxValue ? ++entry.EagerAttempts : int.MaxValue;
        var options = _runtime.Options;
#pragma warning disable CA5394 // jitter, not security
        var delay = RetryDelay(attempt, options.EagerRetryInitialBackoff, options.EagerRetryMaxBackoff, Random.Shared.NextDouble());
#pragma warning restore CA5394
        var now = _time.GetUtcNow();
        if (delay >= expiresAt - now)
        {
            Log.EagerRefreshGaveUp(_logger, Key, attempt);
            return;
        }

        Log.EagerRefreshRetrying(_logger, Key, attempt, delay);
        entry.EagerTimer?.Dispose();
        entry.EagerTimer = null;
        entry.EagerDueAt = now + delay;
        entry.EagerTimer = Background.CreateTimerAt(_time, OnEagerTimer, EagerTimerState(entry), entry.EagerDueAt, now);
        if (entry.EagerTimer is null)
        {
            StartEagerRefreshLocked(entry);
        }
    }
}
