using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>A module whose expirables the test adds one by one, with fetchers given inline.</summary>
public sealed class ReviewModule : ExpirableModule
{
    public ReviewModule(ExpirableRuntime runtime, params ExpirableDefinition[] definitions)
        : base(runtime, "Review.Module", definitions)
    {
    }

    public Expirable<T> Add<T>(ExpirableDefinition definition, Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) =>
        Create(definition, fetch);
}

/// <summary>The runtime reviewer's tests: edge cases and races against the contract.</summary>
public sealed class ReviewTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private FakeTimeProvider _time = null!;
    private ExpirableRuntime _runtime = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _runtime = ExpirableRuntime.InMemory(_time);
    }

    [TearDown]
    public async Task TearDown() => await _runtime.DisposeAsync();

    private static ExpirableDefinition Def(
        string name,
        RefreshMode refresh = RefreshMode.Lazy,
        TimeSpan? eagerBefore = null,
        TimeSpan? timeout = null,
        ExpirableScope scope = ExpirableScope.Local) =>
        new(name, name, "T", scope, refresh, eagerBefore, timeout, "Review.expirables", 1);

    private static TaskCompletionSource<T> NewSource<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Test]
    public async Task A_synchronous_fetch_that_blocks_and_ignores_its_token_still_times_out()
    {
        var def = Def("blocking", timeout: TimeSpan.FromSeconds(5));
        using var release = new ManualResetEventSlim(false);
        var entered = NewSource<bool>();
        var calls = 0;
        var expirable = new ReviewModule(_runtime, def).Add(def, Fetcher.For(() =>
        {
            Interlocked.Increment(ref calls);
            entered.TrySetResult(true);
            release.Wait();
            return Fetched.Forever("late");
        }));
        try
        {
            var caller = expirable.FetchAsync().AsTask();
            await entered.Task.WaitAsync(Patience);
            _time.Advance(TimeSpan.FromSeconds(5));

            var outcome = await caller.WaitAsync(Patience);
            Assert.That(outcome.IsOk, Is.False);
            Assert.That(outcome.Exception, Is.InstanceOf<TimeoutException>());
        }
        finally
        {
            release.Set();
        }

        // When the abandoned call returns after all, its value is cached; the fetch method ran once.
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);
        var again = await expirable.FetchAsync().AsTask().WaitAsync(Patience);
        Assert.That(again.Value, Is.EqualTo("late"));
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(1));
    }

    [Test]
    public async Task Dispose_ends_even_while_a_synchronous_fetch_blocks_without_observing_its_token()
    {
        var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions { TimeProvider = _time, DisposeGracePeriod = TimeSpan.FromMilliseconds(50) });
        var def = Def("blocking");
        using var release = new ManualResetEventSlim(false);
        var entered = NewSource<bool>();
        var expirable = new ReviewModule(runtime, def).Add(def, Fetcher.For(_ =>
        {
            entered.TrySetResult(true);
            release.Wait(CancellationToken.None);
            return Fetched.Forever("late");
        }));
        try
        {
            var caller = expirable.FetchAsync().AsTask();
            await entered.Task.WaitAsync(Patience);
            await runtime.DisposeAsync().AsTask().WaitAsync(Patience);

            var outcome = await caller.WaitAsync(Patience);
            Assert.That(outcome.IsOk, Is.False);
            Assert.That(outcome.Error, Does.Contain("disposed"));
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    public async Task A_fetch_method_returning_a_null_task_fails_with_a_clear_reason()
    {
        var def = Def("null_task");
        var expirable = new ReviewModule(_runtime, def).Add(def, Fetcher.For<string>(() => (Task<Fetched<string>>)null!));

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Does.Contain("null task"));
        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
        Assert.That(thrown!.Name, Is.EqualTo("null_task"));
    }

    [Test]
    public async Task A_fetch_returning_default_is_a_failure_with_a_reason()
    {
        var def = Def("default");
        var calls = 0;
        var expirable = new ReviewModule(_runtime, def).Add(def, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return default(ValueTask<Fetched<int>>);
        });

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Is.Not.Null.And.Not.Empty);
        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
        Assert.That(thrown!.Message, Does.Contain("no outcome"));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task A_fetch_throwing_its_own_cancellation_is_a_failure_not_a_cancelled_caller()
    {
        var def = Def("own_cancel", timeout: TimeSpan.FromSeconds(5));
        var expirable = new ReviewModule(_runtime, def).Add<string>(def, (_, _) => throw new OperationCanceledException("inner"));

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Exception, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_null_value_of_a_nullable_type_is_cached_and_returned()
    {
        var def = Def("nullable");
        var calls = 0;
        var expirable = new ReviewModule(_runtime, def).Add(def, Fetcher.For(() =>
        {
            calls++;
            return Fetched.Ok<string?>(null, Start.AddMinutes(1));
        }));

        Assert.That(await expirable.GetAsync(), Is.Null);
        var second = await expirable.FetchAsync();
        Assert.That(second.IsOk, Is.True);
        Assert.That(second.Value, Is.Null);
        Assert.That(calls, Is.EqualTo(1));
    }

    [TestCase(RefreshMode.Lazy)]
    [TestCase(RefreshMode.Eager)]
    public async Task Advancing_exactly_to_expiry_makes_the_next_access_fetch(RefreshMode mode)
    {
        var def = Def("exact", mode, mode == RefreshMode.Eager ? TimeSpan.FromSeconds(10) : null);
        var calls = 0;
        var expirable = new ReviewModule(_runtime, def).Add(def, Fetcher.For(() =>
        {
            // Eager refreshes fail, so only an expiry can make the value go.
            var n = Interlocked.Increment(ref calls);
            return n == 1 || n > 2 && mode == RefreshMode.Lazy
                ? Fetched.Ok(n, _time.GetUtcNow().AddMinutes(1))
                : Fetched.Failed<int>("eager down");
        }));

        Assert.That(await expirable.GetAsync(), Is.EqualTo(1));
        _time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        await expirable.Core.WhenIdleAsync();
        var before = Volatile.Read(ref calls);
        Assert.That((await expirable.FetchAsync()).Value, Is.EqualTo(1));
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(before));

        _time.Advance(TimeSpan.FromTicks(1));
        await expirable.Core.WhenIdleAsync();
        var after = await expirable.FetchAsync();
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(before + 1));
        Assert.That(after.IsOk && after.Value == 1, Is.False, "the expired value was handed out");
    }

    [Test]
    public async Task A_cancelled_caller_gets_an_OperationCanceledException_for_its_own_token()
    {
        var def = Def("cancel");
        var gate = NewSource<Fetched<string>>();
        var expirable = new ReviewModule(_runtime, def).Add(def, (_, _) => new ValueTask<Fetched<string>>(gate.Task));
        using var cts = new CancellationTokenSource();
        var cancelled = expirable.FetchAsync(cts.Token).AsTask();
        var other = expirable.FetchAsync().AsTask();
        await cts.CancelAsync();

        var thrown = await Assert.CatchAsync<OperationCanceledException>(async () => await cancelled);
        Assert.That(thrown!.CancellationToken, Is.EqualTo(cts.Token));
        gate.SetResult(Fetched.Forever("v"));
        Assert.That((await other).Value, Is.EqualTo("v"));
    }

    [Test]
    public async Task After_a_clear_returns_no_caller_gets_a_value_fetched_before_it_under_contention()
    {
        var def = Def("racy");
        var version = 0;
        var module = new ReviewModule(_runtime, def);
        var expirable = module.Add(def, async (_, _) =>
        {
            var v = Volatile.Read(ref version);
            await Task.Yield();
            return Fetched.Forever(v);
        });

        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var outcome = await expirable.FetchAsync();
                Assert.That(outcome.IsOk, Is.True);
                await Task.Yield();
            }
        })).ToArray();

        for (var i = 1; i <= 500; i++)
        {
            Interlocked.Exchange(ref version, i);
            if (i % 2 == 0)
            {
                await expirable.ClearAsync();
            }
            else
            {
                await module.ClearAllAsync();
            }

            var got = await expirable.FetchAsync();
            Assert.That(got.Value, Is.GreaterThanOrEqualTo(i), $"iteration {i}: a value fetched before the clear was served after it");
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(Patience);
    }

    [Test]
    public async Task An_eager_refresh_running_across_a_clear_does_not_store_over_it()
    {
        var def = Def("eager", RefreshMode.Eager, TimeSpan.FromSeconds(30));
        var calls = 0;
        var eagerGate = NewSource<Fetched<string>>();
        var eagerStarted = NewSource<bool>();
        var expirable = new ReviewModule(_runtime, def).Add(def, (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            if (n == 2)
            {
                eagerStarted.TrySetResult(true);
            }

            return n switch
            {
                1 => new ValueTask<Fetched<string>>(Fetched.Ok("first", _time.GetUtcNow().AddMinutes(2))),
                2 => new ValueTask<Fetched<string>>(eagerGate.Task),
                _ => new ValueTask<Fetched<string>>(Fetched.Ok("after-clear-" + n, _time.GetUtcNow().AddMinutes(2))),
            };
        });

        Assert.That(await expirable.GetAsync(), Is.EqualTo("first"));
        _time.Advance(TimeSpan.FromSeconds(90)); // eager window opens: refresh #2 starts and hangs
        await eagerStarted.Task.WaitAsync(Patience);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("first"), "callers keep the current value during an eager refresh");

        _time.Advance(TimeSpan.FromSeconds(30)); // expired: a caller now joins the eager refresh
        var joined = expirable.FetchAsync().AsTask();
        Assert.That(joined.IsCompleted, Is.False);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(2));

        await expirable.ClearAsync();

        // The caller after the clear gets a fetch of its own, once the running one has ended (one call at a time).
        var afterClear = expirable.GetAsync().AsTask();
        Assert.That(afterClear.IsCompleted, Is.False);
        eagerGate.SetResult(Fetched.Ok("eager-late", _time.GetUtcNow().AddMinutes(5)));
        Assert.That((await joined.WaitAsync(Patience)).Value, Is.EqualTo("eager-late"), "callers of a fetch get its outcome");
        Assert.That(await afterClear.WaitAsync(Patience), Is.EqualTo("after-clear-3"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("after-clear-3"), "a fetch running across a clear must not store over it");
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(3));
    }

    [Test]
    public async Task Eager_refreshes_exactly_once_per_cycle_over_many_cycles()
    {
        var def = Def("eager_cycles", RefreshMode.Eager, TimeSpan.FromSeconds(10));
        var calls = 0;
        var expirable = new ReviewModule(_runtime, def).Add(def, Fetcher.For(() =>
        {
            var n = Interlocked.Increment(ref calls);
            return Fetched.Ok(n, _time.GetUtcNow().AddMinutes(1));
        }));

        Assert.That(await expirable.GetAsync(), Is.EqualTo(1));
        for (var cycle = 1; cycle <= 20; cycle++)
        {
            _time.Advance(TimeSpan.FromSeconds(50));
            await expirable.Core.WhenIdleAsync();
            Assert.That(Volatile.Read(ref calls), Is.EqualTo(cycle + 1));
            Assert.That(await expirable.GetAsync(), Is.EqualTo(cycle + 1));
        }
    }

    [Test]
    public async Task Readers_racing_eager_refreshes_expiry_and_clears_never_get_an_expired_or_failed_value()
    {
        var def = Def("stress", RefreshMode.Eager, TimeSpan.FromSeconds(10));
        var module = new ReviewModule(_runtime, def);
        var calls = 0;
        var expirable = module.Add(def, async (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            await Task.Yield();
            return Fetched.Ok(n, _time.GetUtcNow().AddSeconds(60));
        });

        using var stop = new CancellationTokenSource();
        const int Readers = 2;
        using var readerTurns = new SemaphoreSlim(Readers);
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Readers race eager refreshes, expiry and clears, so they check only that they never get a
                // failure; the main loop checks expiry after each advance has returned.
                await readerTurns.WaitAsync();
                try
                {
                    var outcome = await expirable.FetchAsync();
                    if (!outcome.IsOk)
                    {
                        problems.Enqueue(outcome.ToString());
                    }
                }
                finally
                {
                    readerTurns.Release();
                }

                // Hits complete synchronously: yield, or two spinning readers starve a 2-core thread pool.
                await Task.Yield();
            }
        })).ToArray();

        for (var i = 0; i < 300; i++)
        {
            // The clock moves only while no fetch installs a value and no reader is inside the runtime: a thread
            // reading a FakeTimeProvider runs its due timers itself, and an Advance made meanwhile returns before
            // they have fired (the runtime then notices the step at its next clock check, within 50 ms of real
            // time, which this loop does not wait for).
            for (var r = 0; r < Readers; r++)
            {
                await readerTurns.WaitAsync();
            }

            await expirable.Core.WhenIdleAsync();
            _time.Advance(TimeSpan.FromSeconds(i % 7 == 0 ? 61 : 25));
            if (i % 5 == 0)
            {
                await expirable.ClearAsync();
            }
            else if (i % 11 == 0)
            {
                await module.ClearAllAsync();
            }

            var before = _time.GetUtcNow();
            var got = await expirable.FetchAsync();
            readerTurns.Release(Readers);
            Assert.That(got.IsOk && got.ExpiresAt > before, Is.True, $"iteration {i}: {got} value {got.Value} calls {Volatile.Read(ref calls)} entry {expirable.Entry?.Value} expired {expirable.Entry?.Expired} at {expirable.Entry?.ExpiresAt} now {_time.GetUtcNow()}");
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(Patience);
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task A_definition_timeout_overrides_the_default_fetch_timeout()
    {
        var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions { TimeProvider = _time, DefaultFetchTimeout = TimeSpan.FromMinutes(1), DisposeGracePeriod = TimeSpan.Zero });
        await using (runtime)
        {
            var shortDef = Def("short", timeout: TimeSpan.FromSeconds(5));
            var defaultDef = Def("default");
            var module = new ReviewModule(runtime, shortDef, defaultDef);
            var entered = 0;
            var bothEntered = NewSource<bool>();
            Func<IServiceProvider, CancellationToken, ValueTask<Fetched<string>>> hang = async (_, ct) =>
            {
                if (Interlocked.Increment(ref entered) == 2)
                {
                    bothEntered.TrySetResult(true);
                }

                await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
                return Fetched.Forever("never");
            };
            var shortOne = module.Add(shortDef, hang);
            var defaultOne = module.Add(defaultDef, hang);

            var s1 = shortOne.FetchAsync().AsTask();
            var d1 = defaultOne.FetchAsync().AsTask();

            // The timeouts are armed before the fetch methods are called.
            await bothEntered.Task.WaitAsync(Patience);
            _time.Advance(TimeSpan.FromSeconds(5));
            var shortOutcome = await s1.WaitAsync(Patience);
            Assert.That(shortOutcome.Exception, Is.InstanceOf<TimeoutException>());
            Assert.That(d1.IsCompleted, Is.False);
            _time.Advance(TimeSpan.FromSeconds(55));
            var defaultOutcome = await d1.WaitAsync(Patience);
            Assert.That(defaultOutcome.Exception, Is.InstanceOf<TimeoutException>());
        }
    }

    [Test]
    public async Task A_module_constructed_twice_on_one_runtime_shares_its_values_and_clears()
    {
        var def = Def("twice", scope: ExpirableScope.Cluster);
        var calls = 0;
        Func<IServiceProvider, CancellationToken, ValueTask<Fetched<int>>> fetch = (_, _) =>
            new ValueTask<Fetched<int>>(Fetched.Forever(Interlocked.Increment(ref calls)));
        var moduleA = new ReviewModule(_runtime, def);
        var a = moduleA.Add(def, fetch);
        var moduleB = new ReviewModule(_runtime, def);
        var b = moduleB.Add(def, fetch);

        Assert.That(await a.GetAsync(), Is.EqualTo(1));
        Assert.That(await b.GetAsync(), Is.EqualTo(1), "one key, one cached value");
        await moduleB.ClearAllAsync();
        Assert.That(await a.GetAsync(), Is.EqualTo(2), "a clear through one instance clears the other");
        Assert.That(await moduleB.GetAsync<int>("twice"), Is.EqualTo(2));

        // Another declaration under the same key is refused with a clear error.
        var other = Def("twice");
        var thrown = Assert.Throws<ArgumentException>(() => new ReviewModule(_runtime, other).Add(other, fetch));
        Assert.That(thrown!.Message, Does.Contain("Review.Module.twice"));
    }

    [Test]
    public async Task Name_based_members_reject_unknown_names_and_wrong_types_with_argument_errors()
    {
        var def = Def("named");
        var module = new ReviewModule(_runtime, def);
        module.Add(def, (_, _) => new ValueTask<Fetched<int>>(Fetched.Forever(7)));

        await Assert.ThrowsAsync<ArgumentException>(async () => await module.FetchAsync("nope"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await module.GetAsync<int>("nope"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await module.ClearAsync("nope"));
        var wrong = await Assert.ThrowsAsync<ArgumentException>(async () => await module.FetchAsync<string>("named"));
        Assert.That(wrong!.Message, Does.Contain("Int32").Or.Contain("String"));
        Assert.That(await module.GetAsync<int>("named"), Is.EqualTo(7));
        Assert.That(await module.GetAsync("named"), Is.EqualTo(7));
    }
}
