using System;
using System.Threading;

namespace ExpirableStore.Internal;

/// <summary>
/// One cached value as the hit path sees it. Immutable except for <see cref="Expired"/> (set by the expiry
/// timer or a clock check, never cleared), <see cref="CoarseDeadline"/> (recomputed under the core's gate
/// when the clock steps) and the timer fields, which only the owning core touches under its gate.
/// </summary>
internal sealed class CacheEntry<T>
{
    internal static readonly TimerCallback OnExpiryTimer = static state => ((CacheEntry<T>)state!).ExpireOrRearm();

    private readonly TimeProvider? _time;

    public readonly Fetched<T> Fetched;
    public readonly T Value;

    /// <summary>The store's identity of the value (<see cref="StoreFetch{T}.Origin"/>), for compare-and-clear.</summary>
    public readonly object? Origin;

    /// <summary>The clock whose checks this entry's <see cref="CoarseDeadline"/> relies on.</summary>
    public readonly RuntimeClock Clock;

    /// <summary>
    /// <see cref="Environment.TickCount64"/> from which hits stop serving the value (at least
    /// <see cref="RuntimeClock.CoarseMarginMilliseconds"/> before ExpiresAt). Read with
    /// <c>Volatile.Read</c>; written under the core's gate.
    /// </summary>
    public long CoarseDeadline;

    public volatile bool Expired;

    // Owned by the core; read and written under its gate only.
    public ITimer? ExpiryTimer;
    public ITimer? EagerTimer;
    public DateTimeOffset EagerDueAt;
    public int EagerAttempts;

    /// <summary>An expiring value.</summary>
    public CacheEntry(Fetched<T> fetched, long coarseDeadline, RuntimeClock clock, TimeProvider time, object? origin)
    {
        _time = time;
        Clock = clock;
        Origin = origin;
        Fetched = fetched;
        Value = fetched.Value;
        CoarseDeadline = coarseDeadline;
    }

    /// <summary>A value that never expires: no timer, no clock, a deadline the coarse clock never reaches.</summary>
    public CacheEntry(Fetched<T> fetched, object? origin)
    {
        Clock = RuntimeClock.Untimed;
        Origin = origin;
        Fetched = fetched;
        Value = fetched.Value;
        CoarseDeadline = long.MaxValue;
    }

    public DateTimeOffset? ExpiresAt => Fetched.ExpiresAt;

    /// <summary>
    /// The hit check: <paramref name="entry"/> may be served without a lock or a precise clock read (the
    /// coarse deadline on the monotonic clock, trusted while the runtime's clock was checked recently).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsServable([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] CacheEntry<T>? entry)
    {
        if (entry is null || entry.Expired)
        {
            return false;
        }

        var now = Environment.TickCount64;
        return now < Volatile.Read(ref entry.CoarseDeadline) && now < entry.Clock.TrustedUntil;
    }

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
        try
        {
            var remaining = ExpiresAt!.Value - _time!.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                Expired = true;
                return;
            }

            Volatile.Read(ref ExpiryTimer)?.Change(Background.TimerDelay(remaining), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Retired meanwhile: nothing left to expire.
        }
#pragma warning disable CA1031 // a timer callback must never throw; a clock that fails to answer ends the value early, never late
        catch (Exception)
#pragma warning restore CA1031
        {
            Expired = true;
        }
    }
}
