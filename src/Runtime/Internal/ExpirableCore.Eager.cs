using System;
using System.Threading;

namespace ExpirableStore.Internal;

internal sealed partial class ExpirableCore<T>
{
    /// <summary>Retry delays are cut by up to this fraction at random, so that many processes do not retry in step.</summary>
    internal const double EagerRetryJitter = 0.2;

    private static readonly TimerCallback OnEagerTimer = static state =>
    {
        var (core, entry) = ((WeakReference<ExpirableCore<T>>, CacheEntry<T>))state!;
        if (core.TryGetTarget(out var target))
        {
            target.OnEagerTimerFired(entry);
        }
    };

    private void ArmEagerLocked(CacheEntry<T> entry, TimeSpan dueIn, bool refreshAtOnceInWindow)
    {
        if (dueIn <= TimeSpan.Zero)
        {
            if (!refreshAtOnceInWindow)
            {
                return;
            }

            // Stored already inside the eager window: refresh once, right away. Not through a zero-delay
            // timer, which a fake clock fires synchronously under our gate.
            StartEagerRefreshLocked(entry);
            return;
        }

        // A weak reference: a pending timer must not keep an abandoned runtime alive.
        entry.EagerTimer = _time.CreateTimer(OnEagerTimer, (new WeakReference<ExpirableCore<T>>(this), entry), CacheEntry<T>.TimerDelay(dueIn), Timeout.InfiniteTimeSpan);
    }

    private void OnEagerTimerFired(CacheEntry<T> entry)
    {
        lock (_gate)
        {
            // The first timer of a long-lived value may be a step short of the window (MaxTimerDelay).
            if (entry.EagerAttempts == 0 && entry.ExpiresAt is { } expiresAt && entry.EagerTimer is { } timer)
            {
                var dueIn = expiresAt - Definition.EagerBefore!.Value - _time.GetUtcNow();
                if (dueIn > TimeSpan.Zero)
                {
                    timer.Change(CacheEntry<T>.TimerDelay(dueIn), Timeout.InfiniteTimeSpan);
                    return;
                }
            }

            StartEagerRefreshLocked(entry);
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

        Log.EagerRefreshStarting(_logger, Key);
        if (Telemetry.EagerRefreshes.Enabled)
        {
            Telemetry.EagerRefreshes.Add(1, _nameTag, _scopeTag);
        }

        _ = JoinOrStartFlightLocked(RefreshReason.Eager, entry);
    }

    private void ScheduleEagerRetryLocked(CacheEntry<T> entry)
    {
        if (!ReferenceEquals(_owner.Entry, entry) || entry.Expired || entry.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        var attempt = ++entry.EagerAttempts;
        var options = _runtime.Options;
        var backoff = options.EagerRetryInitialBackoff * Math.Pow(2, Math.Min(attempt - 1, 30));
        if (backoff > options.EagerRetryMaxBackoff)
        {
            backoff = options.EagerRetryMaxBackoff;
        }

#pragma warning disable CA5394 // jitter, not security
        var delay = backoff * (1 - (EagerRetryJitter * Random.Shared.NextDouble()));
#pragma warning restore CA5394
        if (_time.GetUtcNow() + delay >= expiresAt)
        {
            Log.EagerRefreshGaveUp(_logger, Key, attempt);
            return;
        }

        Log.EagerRefreshRetrying(_logger, Key, attempt, delay);
        entry.EagerTimer?.Dispose();
        entry.EagerTimer = _time.CreateTimer(OnEagerTimer, (new WeakReference<ExpirableCore<T>>(this), entry), delay, Timeout.InfiniteTimeSpan);
    }
}
