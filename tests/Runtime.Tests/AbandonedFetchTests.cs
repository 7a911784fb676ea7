using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// At most one call of an expirable's fetch method runs at a time, abandoned at its timeout or not: a
/// hanging upstream gets one call, not one per access.
/// </summary>
public sealed class AbandonedFetchTests : RuntimeTestBase
{
    private const int Accesses = 20;
    private static readonly TimeSpan Timeout5S = TimeSpan.FromSeconds(5);

    private int _running;
    private int _mostRunning;

    [Test]
    public async Task While_a_fetch_abandoned_at_its_timeout_still_runs_accesses_fail_at_once_without_a_new_call()
    {
        var expirable = Module.WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        for (var i = 0; i < Accesses; i++)
        {
            var access = expirable.FetchAsync();
            Assert.That(access.IsCompleted, Is.True, "an access waited (or started a fetch) while the abandoned one runs");
            var outcome = await access;
            Assert.That(outcome.IsOk, Is.False);
            Assert.That(outcome.Failure, Is.EqualTo(FetchFailure.TimedOut));
            Assert.That(outcome.Exception, Is.InstanceOf<TimeoutException>());
        }

        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1), "a hanging upstream got one call per access");
        release.SetResult(Backend.Ok("late"));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);
    }

    [Test]
    public async Task The_name_based_members_report_a_timeout_as_one()
    {
        var expirable = Module.WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        var boxed = await Module.FetchAsync("with_timeout");
        Assert.That(boxed.Failure, Is.EqualTo(FetchFailure.TimedOut));
        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await Module.GetAsync("with_timeout"));
        Assert.That(thrown!.Failure, Is.EqualTo(FetchFailure.TimedOut));
        release.SetResult(Backend.Ok("late"));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);
    }

    [Test]
    public async Task Twenty_accesses_to_a_hanging_synchronous_fetcher_make_one_call()
    {
        using var release = new ManualResetEventSlim(false);
        var calls = 0;
        var entered = NewSource<bool>();
        var def = new ExpirableDefinition("sync_hang", "SyncHang", "string", ExpirableScope.Local, RefreshMode.Lazy, null, Timeout5S, "Hang.expirables", 1);
        var expirable = new InlineModule(Runtime, def).Add(def, Fetcher.For(() =>
        {
            Interlocked.Increment(ref calls);
            entered.TrySetResult(true);
            release.Wait();
            return Fetched.Forever("late");
        }));
        try
        {
            var first = expirable.FetchAsync().AsTask();
            await entered.Task.WaitAsync(Patience);
            Time.Advance(Timeout5S);
            await first.WaitAsync(Patience);

            var outcomes = await Task.WhenAll(Enumerable.Range(0, Accesses).Select(_ => expirable.FetchAsync().AsTask())).WaitAsync(Patience);
            Assert.That(outcomes.Select(o => o.Failure), Has.All.EqualTo(FetchFailure.TimedOut));
            Assert.That(Volatile.Read(ref calls), Is.EqualTo(1), "each access blocked one more pool thread in the fetch method");
        }
        finally
        {
            release.Set();
        }

        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("late"));
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(1));
    }

    [Test]
    public async Task When_the_abandoned_fetch_returns_a_value_it_is_cached()
    {
        var expirable = Module.WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        release.SetResult(Backend.Ok("late"));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);

        Assert.That(await expirable.GetAsync(), Is.EqualTo("late"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
    }

    [Test]
    public async Task When_the_abandoned_fetch_fails_the_next_access_fetches_again()
    {
        var expirable = Module.WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        release.SetException(new InvalidOperationException("upstream gave up"));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);

        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
    }

    [Test]
    public async Task A_clear_while_the_abandoned_fetch_runs_drops_its_late_value()
    {
        var expirable = Module.WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        await expirable.ClearAsync();
        release.SetResult(Backend.Ok("fetched-before-the-clear"));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);

        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
    }

    [Test]
    public async Task An_abandoned_fetch_that_never_returns_is_no_longer_waited_for_after_AbandonedFetchTimeout()
    {
        await Runtime.DisposeAsync();
        var logs = new CapturingLoggerFactory();
        await using var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions
        {
            TimeProvider = Time,
            AbandonedFetchTimeout = TimeSpan.FromMinutes(1),
            DisposeGracePeriod = TimeSpan.Zero,
            LoggerFactory = logs,
        });
        var expirable = new TestExpirables(runtime).WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        Assert.That((await expirable.FetchAsync()).Failure, Is.EqualTo(FetchFailure.TimedOut));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);

        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
        Assert.That(logs.Records.Any(r => r.StartsWith("Error|", StringComparison.Ordinal) && r.Contains("no longer waited for", StringComparison.Ordinal)), Is.True);

        // It returning later changes nothing.
        release.SetResult(Backend.Ok("very-late"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
    }

    [Test]
    public async Task Callers_after_clears_wait_for_the_running_call_and_at_most_one_call_runs_at_a_time()
    {
        var expirable = Module.LocalLazy;
        var release = NewSource<bool>();
        var firstCallRuns = NewSource<bool>();
        Backend.Handler = async (name, n, _) =>
        {
            Enter();
            try
            {
                if (n == 1)
                {
                    firstCallRuns.SetResult(true);
                    await release.Task;
                }

                await Task.Yield();
                return Backend.Ok($"{name}-{n}");
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        };

        // The call the clears come after must be running first: else a flight started after a clear
        // could make call 1 itself, and "-1" would then be a value fetched after the clear.
        var first = expirable.FetchAsync().AsTask();
        await firstCallRuns.Task.WaitAsync(Patience);
        var afterClears = new Task<string>[Accesses];
        for (var i = 0; i < Accesses; i++)
        {
            await expirable.ClearAsync();
            afterClears[i] = expirable.GetAsync().AsTask();
        }

        Assert.That(afterClears.Any(t => t.IsCompleted), Is.False);
        release.SetResult(true);
        var values = await Task.WhenAll(afterClears).WaitAsync(Patience);
        await first.WaitAsync(Patience);

        Assert.That(Volatile.Read(ref _mostRunning), Is.EqualTo(1), "calls of the fetch method ran in parallel");
        Assert.That(values, Has.None.EqualTo(expirable.Name + "-1"), "a caller after a clear got the value fetched before it");
    }

    [Test]
    public async Task Concurrent_flights_detached_by_clears_never_run_the_fetch_method_in_parallel()
    {
        var expirable = Module.ClusterLazy;
        Backend.Handler = async (name, n, _) =>
        {
            Enter();
            try
            {
                await Task.Yield();
                return Backend.Ok($"{name}-{n}");
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        };

        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var outcome = await expirable.FetchAsync();
                Assert.That(outcome.IsOk, Is.True, outcome.ToString());
                await Task.Yield();
            }
        })).ToArray();
        for (var i = 0; i < 300; i++)
        {
            await expirable.ClearAsync();
            await expirable.FetchAsync();
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(Patience);
        Assert.That(Volatile.Read(ref _mostRunning), Is.EqualTo(1), "calls of the fetch method ran in parallel");
    }

    [Test]
    public async Task An_eager_refresh_that_times_out_keeps_the_value_and_its_late_value_is_cached()
    {
        var def = new ExpirableDefinition("eager_hang", "EagerHang", "string", ExpirableScope.Local, RefreshMode.Eager, TimeSpan.FromSeconds(30), Timeout5S, "Hang.expirables", 1);
        var calls = 0;
        var hanging = NewSource<Fetched<string>>();
        var started = NewSource<bool>();
        var expirable = new InlineModule(Runtime, def).Add(def, (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            if (n == 1)
            {
                return new ValueTask<Fetched<string>>(Fetched.Ok("v1", Time.GetUtcNow().AddSeconds(60)));
            }

            started.TrySetResult(true);
            return new ValueTask<Fetched<string>>(hanging.Task);
        });

        Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));
        Time.Advance(TimeSpan.FromSeconds(30));
        await started.Task.WaitAsync(Patience);
        Time.Advance(Timeout5S);
        await Hooks.IdleAsync(expirable);

        // Retries come due while it hangs: none calls the fetch method again, the value stays.
        for (var i = 0; i < 10; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(2));
            await Hooks.IdleAsync(expirable);
            Assert.That(await expirable.GetAsync(), Is.EqualTo("v1"));
        }

        Assert.That(Volatile.Read(ref calls), Is.EqualTo(2));
        hanging.SetResult(Fetched.Ok("v2", Time.GetUtcNow().AddSeconds(60)));
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("v2"));
    }

    [Test]
    public async Task Dispose_does_not_wait_for_a_fetch_abandoned_at_its_timeout()
    {
        var expirable = Module.WithTimeout;
        var release = await AbandonFirstFetchAsync(expirable);

        // The default grace period is 5 s of real time; an abandoned fetch already ignored its token once.
        await Runtime.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        release.SetResult(Backend.Ok("late"));
    }

    /// <summary>Makes the first fetch hang, ignoring its token, past its 5 s timeout; returns what ends it.</summary>
    private async Task<TaskCompletionSource<Fetched<string>>> AbandonFirstFetchAsync(Expirable<string> expirable)
    {
        var (started, release) = HangIgnoringTheToken();
        var first = expirable.FetchAsync().AsTask();
        await started.Task.WaitAsync(Patience);
        Time.Advance(Timeout5S);
        Assert.That((await first.WaitAsync(Patience)).Failure, Is.EqualTo(FetchFailure.TimedOut));
        return release;
    }

    private (TaskCompletionSource<bool> Started, TaskCompletionSource<Fetched<string>> Release) HangIgnoringTheToken()
    {
        var started = NewSource<bool>();
        var release = NewSource<Fetched<string>>();
        Backend.Handler = (name, n, _) =>
        {
            if (n > 1)
            {
                return Task.FromResult(Backend.Ok($"{name}-{n}"));
            }

            started.TrySetResult(true);
            return release.Task;
        };
        return (started, release);
    }

    private void Enter()
    {
        var now = Interlocked.Increment(ref _running);
        int most;
        while ((most = Volatile.Read(ref _mostRunning)) < now && Interlocked.CompareExchange(ref _mostRunning, now, most) != most)
        {
        }
    }
}
