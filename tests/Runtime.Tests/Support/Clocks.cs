using System;
using System.Diagnostics;
using System.Threading;

namespace ExpirableStore.Runtime.Tests.Support;

/// <summary>
/// The machine's clock, with a wall clock that can be stepped (an NTP step, a resumed VM) and can run at
/// another rate than the machine's; its timers and timestamps are the machine's monotonic ones, as the
/// system clock's are.
/// </summary>
public class SteppableClock : TimeProvider
{
    private readonly DateTimeOffset _origin = TimeProvider.System.GetUtcNow();
    private readonly long _originTimestamp = Stopwatch.GetTimestamp();
    private long _offsetTicks;

    /// <summary>How fast the wall clock runs against the machine's: 2 = twice as fast.</summary>
    public double Rate { get; init; } = 1;

    public override long TimestampFrequency => TimeProvider.System.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() =>
        _origin + (Stopwatch.GetElapsedTime(_originTimestamp) * Rate) + TimeSpan.FromTicks(Volatile.Read(ref _offsetTicks));

    public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override long GetTimestamp() => TimeProvider.System.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        TimeProvider.System.CreateTimer(callback, state, dueTime, period);
}

/// <summary>
/// A steppable clock whose next wall-clock read, once armed, returns the time and then holds the reading
/// thread: the thread preempted right after reading the clock, before it reads the next one.
/// </summary>
public sealed class StallingClock : SteppableClock
{
    private long _stallTicks;

    public void StallNextRead(TimeSpan stall) => Interlocked.Exchange(ref _stallTicks, stall.Ticks);

    public override DateTimeOffset GetUtcNow()
    {
        var now = base.GetUtcNow();
        var stall = Interlocked.Exchange(ref _stallTicks, 0);
        if (stall > 0)
        {
            Thread.Sleep(TimeSpan.FromTicks(stall)); // the preemption being simulated, not a synchronisation
        }

        return now;
    }
}

/// <summary>A fake-clock wrapper whose reads throw while <see cref="Broken"/> is set: a clock failing inside a timer callback.</summary>
public sealed class BreakableClock(TimeProvider inner) : TimeProvider
{
    private volatile bool _broken;

    public bool Broken
    {
        get => _broken;
        set => _broken = value;
    }

    public override DateTimeOffset GetUtcNow() => _broken ? throw new InvalidOperationException("the clock is broken") : inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
