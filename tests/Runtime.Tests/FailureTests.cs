using System;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class FailureTests : RuntimeTestBase
{
    [TestCaseSource(nameof(Scopes))]
    public async Task A_fetch_that_throws_is_a_failed_outcome_with_its_exception(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Lazy);
        Backend.Handler = (_, n, _) => n == 1
            ? throw new InvalidOperationException("boom")
            : Task.FromException<Fetched<string>>(new TimeZoneNotFoundException("async boom"));

        var thrownSynchronously = await expirable.FetchAsync();
        Assert.That(thrownSynchronously.IsOk, Is.False);
        Assert.That(thrownSynchronously.Error, Is.EqualTo("boom"));
        Assert.That(thrownSynchronously.Exception, Is.InstanceOf<InvalidOperationException>());

        var faulted = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
        Assert.That(faulted!.InnerException, Is.InstanceOf<TimeZoneNotFoundException>());
        Assert.That(faulted.Reason, Is.EqualTo("async boom"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task An_expiry_already_past_is_handed_to_the_caller_and_not_cached(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Lazy);
        Backend.Handler = (_, n, _) => Task.FromResult(Fetched.Ok("stale-" + n, Time.GetUtcNow().AddSeconds(-1)));

        var first = await expirable.FetchAsync();
        Assert.That(first.Value, Is.EqualTo("stale-1"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("stale-2"));

        Backend.Handler = (_, n, _) => Task.FromResult(Fetched.Ok("now-" + n, Time.GetUtcNow()));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("now-3"), "expiring exactly now is expired");
        Assert.That(await expirable.GetAsync(), Is.EqualTo("now-4"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_fetch_that_never_returns_times_out_and_is_not_cached(bool honoursToken)
    {
        var expirable = Module.WithTimeout;
        var fetchToken = NewSource<CancellationToken>();
        var never = NewSource<Fetched<string>>();
        Backend.Handler = async (_, n, ct) =>
        {
            if (n > 1)
            {
                return Backend.Ok("after-timeout");
            }

            fetchToken.SetResult(ct);
            if (honoursToken)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, Time, ct);
            }

            return await never.Task;
        };

        var pending = expirable.FetchAsync().AsTask();
        var token = await fetchToken.Task;

        Time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.That(token.IsCancellationRequested, Is.False);

        Time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await pending;
        Assert.That(token.IsCancellationRequested, Is.True, "the timeout cancels the fetch's token");
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Does.Contain("timed out"));
        Assert.That(outcome.Exception, Is.InstanceOf<TimeoutException>());
        Assert.That(outcome.Failure, Is.EqualTo(FetchFailure.TimedOut));

        if (!honoursToken)
        {
            // It ignores its token and keeps running: no second call while it does; accesses fail at once.
            var refused = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
            Assert.That(refused!.Failure, Is.EqualTo(FetchFailure.TimedOut));
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));

            // When it returns after all, its value is cached.
            never.SetResult(Backend.Ok("late"));
            await Hooks.WhenFetchEndedAsync(expirable);
            Assert.That(await expirable.GetAsync(), Is.EqualTo("late"));
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
            return;
        }

        // It observes its cancelled token and returns (a moment after the timeout): then the next access fetches.
        await Hooks.WhenFetchEndedAsync(expirable);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("after-timeout"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [Test]
    public async Task A_failed_lazy_refresh_does_not_hand_out_the_expired_value()
    {
        var expirable = Module.LocalLazy;
        Backend.Handler = (name, n, _) => Task.FromResult(n == 1 ? Backend.Ok("old") : Fetched.Failed<string>("down"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("old"));

        Time.Advance(TimeSpan.FromSeconds(60));

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("down"));
    }

    [Test]
    public async Task Clear_during_a_running_fetch_does_not_store_its_value_but_its_callers_get_it()
    {
        var expirable = Module.ClusterLazy;
        var (started, release) = Backend.BlockFirstFetch();

        var caller = expirable.FetchAsync().AsTask();
        await started;
        await expirable.ClearAsync();
        release.SetResult(Backend.Ok("fetched-before-clear"));

        Assert.That((await caller).Value, Is.EqualTo("fetched-before-clear"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [Test]
    public async Task A_caller_after_a_clear_does_not_join_the_fetch_started_before_it()
    {
        var expirable = Module.LocalLazy;
        var (started, release) = Backend.BlockFirstFetch();

        var before = expirable.FetchAsync().AsTask();
        await started;
        await expirable.ClearAsync();

        // One call of the fetch method at a time: the caller after the clear waits for the older call to end,
        // then gets a fetch of its own, never the older call's value.
        var after = expirable.GetAsync().AsTask();
        Assert.That(after.IsCompleted, Is.False);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
        release.SetResult(Backend.Ok("old"));

        Assert.That(await after, Is.EqualTo(expirable.Name + "-2"));
        Assert.That((await before).Value, Is.EqualTo("old"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"), "the older fetch does not overwrite the newer value");
    }

    [Test]
    public async Task The_default_fetch_timeout_applies_when_the_definition_has_none()
    {
        await Runtime.DisposeAsync();
        var runtime = await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions { TimeProvider = Time, DefaultFetchTimeout = TimeSpan.FromSeconds(2) });
        await using (runtime)
        {
            var module = new TestExpirables(runtime);
            var started = NewSource<bool>();
            Backend.Handler = (_, _, ct) =>
            {
                started.SetResult(true);
                return Task.Delay(Timeout.InfiniteTimeSpan, Time, ct).ContinueWith(_ => Backend.Ok("late"), TaskScheduler.Default);
            };

            var pending = module.LocalLazy.FetchAsync().AsTask();
            await started.Task;
            Time.Advance(TimeSpan.FromSeconds(2));

            Assert.That((await pending).Error, Does.Contain("timed out"));
        }
    }
}
