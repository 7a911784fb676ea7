using System;
using System.Threading;

namespace ExpirableStore.Internal;

/// <summary>
/// One cached value as the hit path sees it. Immutable except for <see cref="Expired"/>, which the
/// expiry timer flips, and the timer fields, which only the owning core touches under its gate.
/// </summary>
internal sealed class CacheEntry<T>
{
    /// <summary>
    /// Environment.TickCount64 is coarse (a few ms on Linux) and a timer can fire late, so the coarse
    /// deadline stops this much before ExpiresAt: a value is then never handed out at or after its expiry.
    /// </summary>
    internal const long CoarseMarginMilliseconds = 20;

    /// <summary>
    /// A System.Threading timer cannot wait longer than about 49 days; values that live longer (a
    /// yearly certificate, say) re-arm their timers in steps of at most this.
    /// </summary>
    internal static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(24);

    internal static readonly TimerCallback OnExpiryTimer = static state => ((CacheEntry<T>)state!).ExpireOrRearm();

    private readonly TimeProvider? _time;

    public readonly Fetched<T> Fetched;
    public readonly T Value;
    public readonly long CoarseDeadline;

    /// <summary>The store's identity of the value (<see cref="StoreFetch{T}.Origin"/>), for compare-and-clear.</summary>
    public readonly object? Origin;
    public volatile bool Expired;

    // Owned by the core; read and written under its gate only.
    public ITimer? ExpiryTimer;
    public ITimer? EagerTimer;
    public int EagerAttempts;

    public CacheEntry(Fetched<T> fetched, long coarseDeadline, TimeProvider? time, object? origin = null)
    {
        _time = time;
        Origin = origin;
        Fetched = fetched;
        Value = fetched.Value;
        CoarseDeadline = coarseDeadline;
    }

    public DateTimeOffset? ExpiresAt => Fetched.ExpiresAt;

    public static TimeSpan TimerDelay(TimeSpan due) => due > MaxTimerDelay ? MaxTimerDelay : due;

    /// <summary>Stops the entry's timers and makes every later read take the slow path.</summary>
    public void Retire()
    {
        Expired = true;
        ExpiryTimer?.Dispose();
        ExpiryTimer = null;
        EagerTimer?.Dispose();
        EagerTimer = null;
    }

    private void ExpireOrRearm()
    {
        var remaining = ExpiresAt!.Value - _time!.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            Expired = true;
            return;
        }

        try
        {
            Volatile.Read(ref ExpiryTimer)?.Change(TimerDelay(remaining), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Retired meanwhile: nothing left to expire.
        }
    }
}
