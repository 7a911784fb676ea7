using System;
using System.Threading;

namespace ExpirableStore.Internal;

/// <summary>One reading of both clocks: the machine's monotonic one first, then the runtime's wall clock.</summary>
/// <param name="Mono"><see cref="Environment.TickCount64"/>, read first.</param>
/// <param name="Wall">The runtime's <see cref="TimeProvider.GetUtcNow"/>, read second: a stall between the two reads makes a deadline computed from them earlier, never later.</param>
internal readonly record struct ClockReading(long Mono, DateTimeOffset Wall)
{
    /// <summary>Wall clock minus monotonic clock, in milliseconds: constant while both run at the same pace.</summary>
    public long Offset => (Wall.UtcTicks / TimeSpan.TicksPerMillisecond) - Mono;
}

/// <summary>Told when the runtime's clock moved forward against the monotonic clock.</summary>
internal interface IClockStepHandler
{
    void OnClockStepped(ClockReading now, long stepMilliseconds);
}

/// <summary>
/// The runtime's wall clock (its <see cref="TimeProvider"/>) checked against the machine's monotonic clock.
/// A hit trusts an entry's coarse deadline (monotonic milliseconds derived from <c>ExpiresAt</c>) only
/// until <see cref="TrustedUntil"/>: at most <see cref="CheckPeriodMilliseconds"/> after the last check
/// found both clocks in step. The first access after that runs a check on its own thread (the slow path),
/// and so does the <see cref="ClockWatchdog"/> every 25 ms for runtimes on <see cref="TimeProvider.System"/>.
/// A check that finds the wall clock ahead of where the deadlines assumed it (a forward step, a VM resume,
/// a provider running fast) re-evaluates every entry of the runtime before any hit trusts a deadline again.
/// A backward step needs no check: deadlines then come early, and the slow path re-arms them.
/// </summary>
internal sealed class RuntimeClock
{
    /// <summary>How long after a check hits may trust coarse deadlines without another one.</summary>
    internal const long CheckPeriodMilliseconds = 50;

    /// <summary>
    /// A forward move of the wall clock against the monotonic one up to this is not acted on (the coarse
    /// clock's tick makes each measured offset up to one tick high). It stays inside
    /// <see cref="CoarseMarginMilliseconds"/>: a value can be served at most tolerance + one tick - margin
    /// past its expiry, which is below zero for any tick up to 16 ms (Windows' default; Linux: 1-10 ms).
    /// </summary>
    internal const long StepToleranceMilliseconds = 4;

    /// <summary>
    /// Environment.TickCount64 is coarse (1-16 ms) and a timer can fire late, so a coarse deadline stops
    /// hits this much before ExpiresAt; the slow path serves the value until ExpiresAt exactly.
    /// </summary>
    internal const long CoarseMarginMilliseconds = 20;

    /// <summary>The clock of values that never expire: nothing to check, ever.</summary>
    public static readonly RuntimeClock Untimed = new();

    private readonly TimeProvider _time;
    private readonly WeakReference<IClockStepHandler>? _handler;
    private long _trustedUntil;

    // The lowest wall-minus-monotonic offset any coarse deadline was computed at since the last
    // re-evaluation: a forward step is measured against it.
    private long _lowestOffset = long.MaxValue;
    private int _checking;

    public RuntimeClock(TimeProvider time, IClockStepHandler handler)
    {
        _time = time;
        _handler = new WeakReference<IClockStepHandler>(handler);
        _trustedUntil = Environment.TickCount64 + CheckPeriodMilliseconds;
    }

    private RuntimeClock()
    {
        _time = TimeProvider.System;
        _trustedUntil = long.MaxValue;
    }

    /// <summary>Hits may trust coarse deadlines while <see cref="Environment.TickCount64"/> is below this.</summary>
    public long TrustedUntil => Volatile.Read(ref _trustedUntil);

    public bool CheckIsDue => Environment.TickCount64 >= TrustedUntil;

    public TimeProvider Time => _time;

    /// <summary>Reads the monotonic clock, then the wall clock.</summary>
    public ClockReading Read()
    {
        var mono = Environment.TickCount64;
        return new ClockReading(mono, _time.GetUtcNow());
    }

    /// <summary>
    /// The coarse deadline of a value expiring at <paramref name="expiresAt"/>, as of <paramref name="now"/>:
    /// <see cref="CoarseMarginMilliseconds"/> before it on the monotonic clock. Records the offset it assumed.
    /// </summary>
    public long CoarseDeadline(ClockReading now, DateTimeOffset expiresAt)
    {
        NoteOffset(now.Offset);
        var remaining = (expiresAt - now.Wall).TotalMilliseconds;

        // A value "expiring" centuries ahead must not overflow the deadline.
        const double Ceiling = long.MaxValue / 4;
        return now.Mono + (long)Math.Min(remaining, Ceiling) - CoarseMarginMilliseconds;
    }

    /// <summary>
    /// Compares both clocks once. On a forward step, re-evaluates the runtime's entries (on this thread);
    /// then lets hits trust coarse deadlines for another <see cref="CheckPeriodMilliseconds"/>. A check
    /// already running elsewhere makes this one return at once (the caller's slow path is exact anyway).
    /// </summary>
    /// <returns>The forward step found in milliseconds, 0 when none.</returns>
    public long Check()
    {
        if (ReferenceEquals(this, Untimed) || Interlocked.CompareExchange(ref _checking, 1, 0) != 0)
        {
            return 0;
        }

        try
        {
            var now = Read();
            var lowest = Volatile.Read(ref _lowestOffset);
            long step = 0;
            if (lowest != long.MaxValue && now.Offset - lowest > StepToleranceMilliseconds)
            {
                step = now.Offset - lowest;

                // Until every deadline is recomputed, no hit trusts one: accesses take the exact slow path.
                Volatile.Write(ref _trustedUntil, long.MinValue);

                // Deadlines recomputed from this reading assume its offset; installs racing with the
                // re-evaluation lower it again through NoteOffset.
                Interlocked.Exchange(ref _lowestOffset, now.Offset);
                if (_handler is not null && _handler.TryGetTarget(out var handler))
                {
                    handler.OnClockStepped(now, step);
                }
            }

            Volatile.Write(ref _trustedUntil, now.Mono + CheckPeriodMilliseconds);
            return step;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>Test hook: makes the next access run a check, as if <see cref="CheckPeriodMilliseconds"/> had passed.</summary>
    internal void ExpireTrust() => Volatile.Write(ref _trustedUntil, long.MinValue);

    private void NoteOffset(long offset)
    {
        var current = Volatile.Read(ref _lowestOffset);
        while (offset < current)
        {
            var seen = Interlocked.CompareExchange(ref _lowestOffset, offset, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
