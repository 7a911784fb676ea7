using System;
using System.Collections.Generic;
using System.Threading;

namespace ExpirableStore.Internal;

/// <summary>
/// One process-wide timer on the real clock that checks every runtime on <see cref="TimeProvider.System"/>
/// every <see cref="Period"/>: a step of the system clock is then noticed even while nothing accesses the
/// runtime (eager timers re-armed after a VM resume), and hits never wait for a check. Only the system
/// clock is read in the background: another provider may have side effects on read
/// (<c>FakeTimeProvider.GetUtcNow</c> fires due timers on the reading thread and applies its
/// <c>AutoAdvanceAmount</c>), so those runtimes are checked by the accesses themselves.
/// The timer runs only while such a runtime is alive, and never keeps one alive.
/// </summary>
internal static class ClockWatchdog
{
    internal static readonly TimeSpan Period = TimeSpan.FromMilliseconds(25);

    private static readonly object Gate = new();
    private static readonly List<WeakReference<RuntimeClock>> Clocks = [];
    private static ITimer? s_timer;

    public static bool Watches(TimeProvider time) => ReferenceEquals(time, TimeProvider.System);

    public static void Watch(RuntimeClock clock)
    {
        lock (Gate)
        {
            Clocks.Add(new WeakReference<RuntimeClock>(clock));
            s_timer ??= Background.WithoutFlow(Period, static period => TimeProvider.System.CreateTimer(static _ => CheckAll(), null, period, period));
        }
    }

    public static void Unwatch(RuntimeClock clock)
    {
        lock (Gate)
        {
            Clocks.RemoveAll(w => !w.TryGetTarget(out var c) || ReferenceEquals(c, clock));
            StopWhenIdleLocked();
        }
    }

    /// <summary>One round of checks (the timer's callback; tests call it to run a round deterministically).</summary>
    internal static void CheckAll()
    {
        RuntimeClock[] clocks;
        lock (Gate)
        {
            var alive = new List<RuntimeClock>(Clocks.Count);
            foreach (var weak in Clocks)
            {
                if (weak.TryGetTarget(out var clock))
                {
                    alive.Add(clock);
                }
            }

            if (alive.Count != Clocks.Count)
            {
                Clocks.RemoveAll(w => !w.TryGetTarget(out _));
                StopWhenIdleLocked();
            }

            clocks = [.. alive];
        }

        foreach (var clock in clocks)
        {
            try
            {
                clock.Check();
            }
#pragma warning disable CA1031 // a timer callback must never throw: that would end the process
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private static void StopWhenIdleLocked()
    {
        if (Clocks.Count == 0 && s_timer is not null)
        {
            s_timer.Dispose();
            s_timer = null;
        }
    }
}
