using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// Nothing the runtime calls may escape into a timer callback (where it would end the process) or turn a
/// good fetch into a failure: a throwing logger, meter listener, activity listener, clock or fetch delegate.
/// With a fake clock the timers fire inside Advance, so an escaping exception surfaces there.
/// </summary>
public sealed class TimerSafetyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_throwing_logger_meter_listener_and_activity_listener_never_break_hits_fetches_or_timers()
    {
        var time = new FakeTimeProvider(Start);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "ExpirableStore")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("meter listener bug"));
        meters.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("meter listener bug"));
        meters.Start();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ExpirableStore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => throw new InvalidOperationException("activity listener bug"),
            ActivityStopped = _ => throw new InvalidOperationException("activity listener bug"),
        };
        ActivitySource.AddActivityListener(spans);

        await using var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions { TimeProvider = time, LoggerFactory = new ThrowingLoggerFactory() });
        var calls = 0;
        var def = new ExpirableDefinition("eager", "Eager", "string", ExpirableScope.Local, RefreshMode.Eager, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), "Safety.expirables", 1);
        var expirable = new InlineModule(runtime, def).Add(def, (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            return new ValueTask<Fetched<string>>(n == 2 ? Fetched.Failed<string>("down") : Fetched.Ok("v" + n, time.GetUtcNow().AddMinutes(1)));
        });

        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"), "a throwing listener turned a good fetch into a failure");
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"), "a throwing listener broke a hit");

        // Eager refresh (fails, logs, counts), its retry (succeeds), expiry: all from timer callbacks.
        Assert.DoesNotThrow(() => time.Advance(TimeSpan.FromSeconds(30)));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.DoesNotThrow(() => time.Advance(TimeSpan.FromSeconds(1)));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v3"));
        Assert.DoesNotThrow(() => time.Advance(TimeSpan.FromMinutes(2)));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.That(await expirable.GetAsync(), Does.StartWith("v"));
    }

    [Test]
    public async Task A_clock_that_throws_inside_an_expiry_timer_expires_the_value_instead_of_escaping()
    {
        var fake = new FakeTimeProvider(Start);
        var clock = new BreakableClock(fake);
        await using var runtime = ExpirableRuntime.InMemory(clock);
        var calls = 0;
        var def = new ExpirableDefinition("lazy", "Lazy", "string", ExpirableScope.Local, RefreshMode.Lazy, null, null, "Safety.expirables", 1);
        var expirable = new InlineModule(runtime, def).Add(def, Fetcher.For(() => Fetched.Ok("v" + Interlocked.Increment(ref calls), fake.GetUtcNow().AddMinutes(1))));
        await expirable.GetAsync();

        clock.Broken = true;
        Assert.DoesNotThrow(() => fake.Advance(TimeSpan.FromMinutes(1)));
        clock.Broken = false;
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v2"));
    }

    [Test]
    public async Task An_eager_refresh_whose_fetch_delegate_throws_before_returning_a_task_keeps_the_value_and_retries()
    {
        var time = new FakeTimeProvider(Start);
        await using var runtime = ExpirableRuntime.InMemory(time);
        var calls = 0;
        var def = new ExpirableDefinition("eager", "Eager", "string", ExpirableScope.Local, RefreshMode.Eager, TimeSpan.FromSeconds(30), null, "Safety.expirables", 1);
        var expirable = new InlineModule(runtime, def).Add<string>(def, (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            return n == 2 ? throw new InvalidOperationException("setup failed") : new ValueTask<Fetched<string>>(Fetched.Ok("v" + n, time.GetUtcNow().AddMinutes(1)));
        });
        await expirable.GetAsync();

        Assert.DoesNotThrow(() => time.Advance(TimeSpan.FromSeconds(30)));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));
        time.Advance(TimeSpan.FromSeconds(1));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v3"));
    }

    private sealed class ThrowingLoggerFactory : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new ThrowingLogger();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class ThrowingLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => throw new InvalidOperationException("logger bug");

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                throw new InvalidOperationException("logger bug");
        }
    }
}
