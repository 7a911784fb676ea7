using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>
/// How the runtime starts work that outlives the call that caused it: flights, fetch tasks and timers.
/// None of it runs in the caller's <see cref="ExecutionContext"/> (its AsyncLocals, logging scopes and
/// <c>Activity.Current</c> would otherwise ride along forever), and every timer copes with any valid
/// duration (a System.Threading timer refuses more than about 49.7 days).
/// </summary>
internal static class Background
{
    /// <summary>
    /// The longest a single timer waits; longer waits re-arm in steps of at most this (a yearly certificate,
    /// a 365-day timeout).
    /// </summary>
    internal static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(24);

    public static TimeSpan TimerDelay(TimeSpan due) => due > MaxTimerDelay ? MaxTimerDelay : due < TimeSpan.Zero ? TimeSpan.Zero : due;

    /// <summary>Runs <paramref name="work"/> on the thread pool without the caller's execution context.</summary>
    public static Task Run(Func<Task> work) => WithoutFlow(work, static w => Task.Run(w));

    /// <inheritdoc cref="Run(Func{Task})"/>
    public static Task<T> Run<T>(Func<Task<T>> work) => WithoutFlow(work, static w => Task.Run(w));

    /// <summary>A one-shot timer on <paramref name="time"/> that does not capture the caller's execution context.</summary>
    public static ITimer CreateTimer(TimeProvider time, TimerCallback callback, object? state, TimeSpan dueTime) =>
        WithoutFlow(
            (time, callback, state, due: TimerDelay(dueTime)),
            static a => a.time.CreateTimer(a.callback, a.state, a.due, Timeout.InfiniteTimeSpan));

    /// <summary>
    /// Arms a one-shot timer for the moment <paramref name="dueAt"/> of <paramref name="time"/>'s clock,
    /// computed from a reading taken at <paramref name="readAt"/>. A timer's delay counts from when the
    /// timer is created, so a clock that moved in between (a stalled thread, another thread advancing a
    /// fake clock) would make it late by that much: the clock is read again after arming and the timer
    /// re-aimed until a reading agrees with the one it was aimed from. Returns null when
    /// <paramref name="dueAt"/> has passed by then: the caller acts at once (the timer may have fired
    /// already, which every callback of the runtime tolerates: it checks that it is still current).
    /// </summary>
    public static ITimer? CreateTimerAt(TimeProvider time, TimerCallback callback, object? state, DateTimeOffset dueAt, DateTimeOffset readAt)
    {
        var timer = CreateTimer(time, callback, state, dueAt - readAt);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var now = time.GetUtcNow();
            if (now >= dueAt)
            {
                timer.Dispose();
                return null;
            }

            if (now == readAt)
            {
                return timer;
            }

            readAt = now;
            timer.Change(TimerDelay(dueAt - now), Timeout.InfiniteTimeSpan);
        }

        // A clock moved on every reading: the last aim is at most one reading late.
        return timer;
    }

    /// <summary>Runs <paramref name="create"/> (which starts a task or a timer) so that what it starts does not capture the caller's execution context.</summary>
    public static TResult WithoutFlow<TState, TResult>(TState state, Func<TState, TResult> create)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return create(state);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return create(state);
        }
    }

    /// <summary>Waits <paramref name="delay"/> on <paramref name="time"/>, any length, in steps a timer accepts.</summary>
    public static async Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var remaining = delay;
        while (remaining > TimeSpan.Zero)
        {
            await WithoutFlow((due: TimerDelay(remaining), time, cancellationToken), static a => Task.Delay(a.due, a.time, a.cancellationToken)).ConfigureAwait(false);
            remaining = delay - time.GetElapsedTime(started);
        }
    }
}

/// <summary>
/// A cancellation token cancelled once <c>duration</c> has passed on a <see cref="TimeProvider"/>, for
/// any valid duration: up to <see cref="Background.MaxTimerDelay"/> it is a plain
/// <see cref="CancellationTokenSource"/> on the provider; longer, a timer re-armed in steps.
/// </summary>
internal sealed class LongTimeout : IDisposable
{
    private static readonly TimerCallback OnTick = static state => ((LongTimeout)state!).Tick();

    private readonly CancellationTokenSource _source;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly long _started;
    private readonly ITimer? _timer;

    public LongTimeout(TimeSpan duration, TimeProvider time)
    {
        _time = time;
        _duration = duration;
        if (duration <= Background.MaxTimerDelay)
        {
            _source = Background.WithoutFlow((duration, time), static a => new CancellationTokenSource(a.duration, a.time));
            return;
        }

        _source = new CancellationTokenSource();
        _started = time.GetTimestamp();
        _timer = Background.CreateTimer(time, OnTick, this, Background.MaxTimerDelay);
    }

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    public void Dispose()
    {
        _timer?.Dispose();
        _source.Dispose();
    }

    private void Tick()
    {
        try
        {
            var remaining = _duration - _time.GetElapsedTime(_started);
            if (remaining <= TimeSpan.Zero)
            {
                _source.Cancel();
            }
            else
            {
                _timer!.Change(Background.TimerDelay(remaining), Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // The fetch ended first.
        }
#pragma warning disable CA1031 // a timer callback must not throw: a failing clock cancels at once rather than never
        catch (Exception)
#pragma warning restore CA1031
        {
            try
            {
                _source.Cancel();
            }
#pragma warning disable CA1031 // see above
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
