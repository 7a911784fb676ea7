using System;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class LifecycleTests : RuntimeTestBase
{
    [Test]
    public async Task Dispose_stops_every_timer()
    {
        await Module.LocalEager.GetAsync();
        await Module.ClusterEager.GetAsync();
        Backend.Handler = (_, _, _) => Task.FromResult(Fetched.Failed<string>("down"));
        await Runtime.DisposeAsync();

        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(Backend.Calls("local_eager"), Is.EqualTo(1));
        Assert.That(Backend.Calls("cluster_eager"), Is.EqualTo(1));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await Module.LocalEager.FetchAsync());
    }

    [Test]
    public async Task Dispose_cancels_running_fetches_and_waits_for_them_to_observe_it()
    {
        var started = NewSource<bool>();
        var observed = 0;
        Backend.Handler = async (_, _, ct) =>
        {
            started.SetResult(true);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, Time, ct);
            }
            catch (OperationCanceledException)
            {
                Volatile.Write(ref observed, 1);
                throw;
            }

            return Backend.Ok("never");
        };

        var caller = Module.LocalLazy.FetchAsync().AsTask();
        await started.Task;
        await Runtime.DisposeAsync();

        Assert.That(Volatile.Read(ref observed), Is.EqualTo(1));
        var outcome = await caller;
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Does.Contain("disposed"));
    }

    [Test]
    public async Task Dispose_abandons_a_fetch_that_ignores_its_token_after_the_grace_period()
    {
        await Runtime.DisposeAsync();
        var runtime = await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions { TimeProvider = Time, DisposeGracePeriod = TimeSpan.Zero });
        var module = new TestExpirables(runtime);
        var started = NewSource<bool>();
        var never = NewSource<Fetched<string>>();
        Backend.Handler = (_, _, _) =>
        {
            started.SetResult(true);
            return never.Task;
        };

        var caller = module.LocalLazy.FetchAsync().AsTask();
        await started.Task;
        await runtime.DisposeAsync();

        Assert.That((await caller).IsOk, Is.False);
    }

    [Test]
    public void Connect_without_a_nats_url_runs_cluster_scope_in_process()
    {
        Assert.That(Runtime.IsClustered, Is.False);
        Assert.That(Runtime.TimeProvider, Is.SameAs(Time));
    }

    [Test]
    public async Task Hits_are_synchronous_and_allocate_nothing()
    {
        var expirable = Module.LocalLazy;
        var expected = await expirable.GetAsync();
        var before = 0L;
        for (var i = 0; i < 11_000; i++)
        {
            if (i == 1000)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            var fetched = expirable.FetchAsync();
            var value = expirable.GetAsync();
            if (!fetched.IsCompletedSuccessfully || !value.IsCompletedSuccessfully || !ReferenceEquals(value.Result, expected))
            {
                Assert.Fail("a hit must complete synchronously with the cached value");
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
    }

    [Test]
    public async Task A_value_closer_to_expiry_than_the_coarse_clock_margin_is_served_from_the_precise_clock()
    {
        var expirable = Module.LocalLazy;
        Backend.Ttl = TimeSpan.FromMilliseconds(10);
        Assert.That(await expirable.GetAsync(), Is.EqualTo("local_lazy-1"));

        Time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("local_lazy-1"));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("local_lazy-2"));
    }
}

public sealed class LongLivedValueTests : RuntimeTestBase
{
    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task A_value_living_longer_than_a_timer_can_wait_expires_and_refreshes_on_time(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        Backend.Ttl = TimeSpan.FromDays(400);
        await expirable.GetAsync();

        var untilEvent = mode == RefreshMode.Eager ? TimeSpan.FromDays(400) - TimeSpan.FromSeconds(30) : TimeSpan.FromDays(400);
        for (var day = 1; day < 400; day++)
        {
            Time.Advance(TimeSpan.FromDays(1));
            await Idle(expirable);
        }

        Time.Advance(untilEvent - TimeSpan.FromDays(399) - TimeSpan.FromMilliseconds(1));
        await Idle(expirable);
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));

        Time.Advance(TimeSpan.FromMilliseconds(1));
        await Idle(expirable);
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
    }

    [Test]
    public async Task A_year_long_value_on_the_system_clock_is_cached()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var module = new TestExpirables(runtime);
        Backend.Handler = (_, n, _) => Task.FromResult(Fetched.Ok("yearly-" + n, DateTimeOffset.UtcNow.AddDays(365)));

        Assert.That(await module.LocalEager.GetAsync(), Is.EqualTo("yearly-1"));
        Assert.That(await module.LocalEager.GetAsync(), Is.EqualTo("yearly-1"));
        Assert.That(Backend.Calls("local_eager"), Is.EqualTo(1));
    }
}
