using System;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class EagerRefreshTests : RuntimeTestBase
{
    [TestCaseSource(nameof(Scopes))]
    public async Task A_failed_eager_refresh_keeps_the_value_and_retries_with_capped_backoff(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        Backend.Handler = (name, n, _) => Task.FromResult(n is 1 or 2 or 3 ? (n == 1 ? Backend.Ok("v1") : Fetched.Failed<string>("down")) : Backend.Ok("v" + n));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));

        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"), "callers keep the still-valid value");

        // First retry: 1 s minus up to 20 % jitter.
        Time.Advance(TimeSpan.FromMilliseconds(799));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
        Time.Advance(TimeSpan.FromMilliseconds(201));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(3));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));

        // Second retry: 2 s minus up to 20 %.
        Time.Advance(TimeSpan.FromMilliseconds(1599));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(3));
        Time.Advance(TimeSpan.FromMilliseconds(401));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(4));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v4"));
    }

    [Test]
    public async Task Eager_retries_stop_at_expiry_and_then_lazy_rules_apply()
    {
        await Runtime.DisposeAsync();
        var runtime = await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions
        {
            TimeProvider = Time,
            EagerRetryInitialBackoff = TimeSpan.FromSeconds(1),
            EagerRetryMaxBackoff = TimeSpan.FromSeconds(4),
        });
        await using (runtime)
        {
            var expirable = new TestExpirables(runtime).LocalEager;
            Backend.Handler = (_, n, _) => Task.FromResult(n == 1 ? Backend.Ok("v1") : Fetched.Failed<string>("down"));
            await expirable.GetAsync();

            // 100 ms steps up to just before expiry (60 s); the eager window opens at 30 s.
            for (var step = 1; step < 600; step++)
            {
                Time.Advance(TimeSpan.FromMilliseconds(100));
                await Idle(expirable);
                Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"), $"at {step * 100} ms");
            }

            // Delays 1, 2, 4, 4, ... s (minus up to 20 % jitter) fit 8 to 10 retries in the 30 s window.
            Assert.That(Backend.Calls(expirable.Name) - 2, Is.InRange(8, 10), "retries");
            Time.Advance(TimeSpan.FromMilliseconds(100));

            // At expiry the value is gone: the access fetches and its failure is the caller's.
            var callsBefore = Backend.Calls(expirable.Name);
            var outcome = await expirable.FetchAsync();
            Assert.That(outcome.IsOk, Is.False);
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(callsBefore + 1));
        }
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task Exactly_one_background_refresh_per_cycle(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        await expirable.GetAsync();

        for (var cycle = 1; cycle <= 3; cycle++)
        {
            for (var step = 0; step < 30; step++)
            {
                Time.Advance(TimeSpan.FromSeconds(1));
                await Idle(expirable);
                _ = await expirable.GetAsync();
            }

            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(cycle + 1), $"cycle {cycle}");
        }
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task Clear_cancels_a_pending_eager_refresh(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        await expirable.GetAsync();
        await expirable.ClearAsync();

        Time.Advance(TimeSpan.FromMinutes(5));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
    }

    [Test]
    public async Task Clear_cancels_pending_eager_retries()
    {
        var expirable = Module.LocalEager;
        Backend.Handler = (_, n, _) => Task.FromResult(n == 1 ? Backend.Ok("v1") : Fetched.Failed<string>("down"));
        await expirable.GetAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));

        await expirable.ClearAsync();
        Time.Advance(TimeSpan.FromSeconds(29));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [Test]
    public async Task A_value_stored_inside_its_eager_window_is_refreshed_once_right_away()
    {
        var expirable = Module.LocalEager;
        Backend.Ttl = TimeSpan.FromSeconds(20);
        await expirable.GetAsync();
        await Idle(expirable);

        // Refreshed once at once; the refreshed value is inside its window too, and is not refreshed again.
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("local_eager-2"));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("local_eager-3"));
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task An_eager_refresh_returning_an_already_expired_value_keeps_the_current_one_and_retries(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        Backend.Handler = (name, n, _) => Task.FromResult(n == 2
            ? Fetched.Ok("stale", Time.GetUtcNow() - TimeSpan.FromSeconds(1))
            : Backend.Ok($"{name}-{n}"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"));

        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"), "the current value must stay");

        // Retried like a failure: 1 s minus up to 20 %, long before the value expires.
        Time.Advance(TimeSpan.FromSeconds(1));
        await Idle(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(3));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-3"));
    }
}
