using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// Every duration is checked where it enters (definitions, options) against the language's range
/// (positive, at most 365 days), and every timer and timeout copes with any duration in it, although a
/// System.Threading timer cannot wait more than about 49.7 days.
/// </summary>
public sealed class DurationTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static IEnumerable<TestCaseData> OutOfRange()
    {
        yield return new TestCaseData(TimeSpan.MaxValue).SetArgDisplayNames("MaxValue");
        yield return new TestCaseData(TimeSpan.FromDays(366)).SetArgDisplayNames("366d");
        yield return new TestCaseData(TimeSpan.Zero).SetArgDisplayNames("zero");
        yield return new TestCaseData(TimeSpan.FromSeconds(-1)).SetArgDisplayNames("negative");
        yield return new TestCaseData(Timeout.InfiniteTimeSpan).SetArgDisplayNames("Infinite");
    }

    [TestCaseSource(nameof(OutOfRange))]
    public void A_definition_refuses_an_eager_margin_or_timeout_out_of_range_with_a_clear_error(TimeSpan value)
    {
        var eager = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _ = new ExpirableDefinition("token", "Token", "string", ExpirableScope.Local, RefreshMode.Eager, value, null, "T.expirables", 3));
        Assert.That(eager!.ParamName, Is.EqualTo("eagerBefore"));
        Assert.That(eager.Message, Does.Contain("365 days"));

        var timeout = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _ = new ExpirableDefinition("token", "Token", "string", ExpirableScope.Local, RefreshMode.Lazy, null, value, "T.expirables", 3));
        Assert.That(timeout!.ParamName, Is.EqualTo("timeout"));
        Assert.That(timeout.Message, Does.Contain("365 days"));
    }

    [TestCaseSource(nameof(OutOfRange))]
    public void The_options_refuse_durations_out_of_range_with_a_clear_error(TimeSpan value)
    {
        var cases = new (string Name, Action<ExpirableRuntimeOptions> Set)[]
        {
            (nameof(ExpirableRuntimeOptions.DefaultFetchTimeout), o => o.DefaultFetchTimeout = value),
            (nameof(ExpirableRuntimeOptions.EagerRetryInitialBackoff), o => o.EagerRetryInitialBackoff = value),
            (nameof(ExpirableRuntimeOptions.EagerRetryMaxBackoff), o => o.EagerRetryMaxBackoff = value),
        };
        foreach (var (name, set) in cases)
        {
            var options = new ExpirableRuntimeOptions();
            set(options);
            var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => ExpirableRuntime.Start(options).Dispose(), name);
            Assert.That(thrown!.ParamName, Is.EqualTo(name));
            Assert.That(thrown.Message, Does.Contain("365 days"));
        }

        if (value != TimeSpan.Zero)
        {
            var grace = Assert.Throws<ArgumentOutOfRangeException>(() => ExpirableRuntime.Start(new ExpirableRuntimeOptions { DisposeGracePeriod = value }).Dispose());
            Assert.That(grace!.ParamName, Is.EqualTo(nameof(ExpirableRuntimeOptions.DisposeGracePeriod)));
        }
    }

    [Test]
    public async Task A_timeout_of_365_days_lets_fetches_succeed_and_a_100_day_timeout_ends_a_hanging_fetch()
    {
        var time = new FakeTimeProvider(Start);
        await using var runtime = ExpirableRuntime.InMemory(time);
        var yearLong = new ExpirableDefinition("year", "Year", "string", ExpirableScope.Local, RefreshMode.Lazy, null, TimeSpan.FromDays(365), "T.expirables", 1);
        var hundredDays = new ExpirableDefinition("hundred", "Hundred", "string", ExpirableScope.Local, RefreshMode.Lazy, null, TimeSpan.FromDays(100), "T.expirables", 2);
        var module = new InlineModule(runtime, yearLong, hundredDays);
        var ok = module.Add(yearLong, Fetcher.For(() => Fetched.Ok("fine", time.GetUtcNow().AddHours(1))));
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = module.Add(hundredDays, async (_, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
            return Fetched.Forever("never");
        });

        Assert.That(await ok.GetAsync(), Is.EqualTo("fine"));

        var pending = hanging.FetchAsync().AsTask();
        await entered.Task.WaitAsync(Patience);
        for (var day = 1; day < 100; day++)
        {
            time.Advance(TimeSpan.FromDays(1));
        }

        Assert.That(pending.IsCompleted, Is.False, "timed out early");
        time.Advance(TimeSpan.FromDays(1));
        var outcome = await pending.WaitAsync(Patience);
        Assert.That(outcome.Failure, Is.EqualTo(FetchFailure.TimedOut));
    }

    [Test]
    public async Task Eager_retries_with_backoffs_longer_than_a_timer_can_wait_keep_retrying()
    {
        var time = new FakeTimeProvider(Start);
        await using var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions
        {
            TimeProvider = time,
            EagerRetryInitialBackoff = TimeSpan.FromDays(60),
            EagerRetryMaxBackoff = TimeSpan.FromDays(100),
        });
        var (expirable, calls) = FailingEagerAfterTheFirst(runtime, time, ttl: TimeSpan.FromDays(1000), margin: TimeSpan.FromDays(365));
        await expirable.GetAsync();

        // Window at day 635; retries at about 635 + 48..60, then + 80..100 more.
        time.Advance(TimeSpan.FromDays(635));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.That(calls(), Is.EqualTo(2));
        for (var day = 0; day < 170; day++)
        {
            time.Advance(TimeSpan.FromDays(1));
            await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        }

        Assert.That(calls(), Is.EqualTo(4), "retries stopped");
    }

    [Test]
    public async Task Eager_retries_go_on_where_the_doubling_backoff_would_overflow()
    {
        var time = new FakeTimeProvider(Start);
        await using var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions
        {
            TimeProvider = time,
            EagerRetryInitialBackoff = TimeSpan.FromHours(1),
            EagerRetryMaxBackoff = TimeSpan.FromHours(2),
        });
        var (expirable, calls) = FailingEagerAfterTheFirst(runtime, time, ttl: TimeSpan.FromDays(400), margin: TimeSpan.FromDays(365));
        await expirable.GetAsync();
        time.Advance(TimeSpan.FromDays(35));
        await expirable.Core.WhenIdleAsync().WaitAsync(Patience);

        // 1 h << 40 overflows a TimeSpan; the cap of 2 h must hold for every retry.
        for (var step = 0; step < 100; step++)
        {
            time.Advance(TimeSpan.FromHours(2));
            await expirable.Core.WhenIdleAsync().WaitAsync(Patience);
        }

        Assert.That(calls(), Is.GreaterThanOrEqualTo(2 + 100), "retries stopped");
    }

    [TestCase(1)]
    [TestCase(31)]
    [TestCase(64)]
    [TestCase(int.MaxValue)]
    public void A_retry_delay_is_the_doubled_backoff_capped_minus_its_jitter(int attempt)
    {
        var max = TimeSpan.FromDays(365);
        var delay = Internal.ExpirableCore<string>.RetryDelay(attempt, TimeSpan.FromHours(1), max, random: 0.5);
        var expected = attempt == 1 ? TimeSpan.FromHours(1) : max;
        Assert.That(delay, Is.EqualTo(expected * 0.9).Within(TimeSpan.FromMilliseconds(1)));
    }

    [Test]
    public async Task A_value_expiring_at_the_end_of_time_is_cached()
    {
        var time = new FakeTimeProvider(Start);
        await using var runtime = ExpirableRuntime.InMemory(time);
        var def = new ExpirableDefinition("end", "End", "string", ExpirableScope.Local, RefreshMode.Eager, TimeSpan.FromDays(365), null, "T.expirables", 1);
        var calls = 0;
        var expirable = new InlineModule(runtime, def).Add(def, Fetcher.For(() => Fetched.Ok("v" + Interlocked.Increment(ref calls), DateTimeOffset.MaxValue)));

        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));
        time.Advance(TimeSpan.FromDays(365));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));
        Assert.That(calls, Is.EqualTo(1));
    }

    private static (Expirable<string> Expirable, Func<int> Calls) FailingEagerAfterTheFirst(ExpirableRuntime runtime, FakeTimeProvider time, TimeSpan ttl, TimeSpan margin)
    {
        var calls = 0;
        var def = new ExpirableDefinition("eager", "Eager", "string", ExpirableScope.Local, RefreshMode.Eager, margin, null, "T.expirables", 1);
        var expirable = new InlineModule(runtime, def).Add(def, Fetcher.For(() =>
            Interlocked.Increment(ref calls) == 1 ? Fetched.Ok("v1", time.GetUtcNow() + ttl) : Fetched.Failed<string>("down")));
        return (expirable, () => Volatile.Read(ref calls));
    }
}
