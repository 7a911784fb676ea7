using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>Expiry at its exact boundary, and clears, eager refreshes and readers racing one another.</summary>
public sealed class RaceTests : RuntimeTestBase
{
    [TestCase(RefreshMode.Lazy)]
    [TestCase(RefreshMode.Eager)]
    public async Task Advancing_exactly_to_expiry_makes_the_next_access_fetch(RefreshMode mode)
    {
        var def = Def("exact", mode, mode == RefreshMode.Eager ? TimeSpan.FromSeconds(10) : null);
        var calls = 0;
        var expirable = new InlineModule(Runtime, def).Add(def, Fetcher.For(() =>
        {
            // Eager refreshes fail, so only an expiry can make the value go.
            var n = Interlocked.Increment(ref calls);
            return n == 1 || n > 2 && mode == RefreshMode.Lazy
                ? Fetched.Ok(n, Time.GetUtcNow().AddMinutes(1))
                : Fetched.Failed<int>("eager down");
        }));

        Assert.That(await expirable.GetAsync(), Is.EqualTo(1));
        Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        await expirable.Core.WhenIdleAsync();
        var before = Volatile.Read(ref calls);
        Assert.That((await expirable.FetchAsync()).Value, Is.EqualTo(1));
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(before));

        Time.Advance(TimeSpan.FromTicks(1));
        await expirable.Core.WhenIdleAsync();
        var after = await expirable.FetchAsync();
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(before + 1));
        Assert.That(after.IsOk && after.Value == 1, Is.False, "the expired value was handed out");
    }

    [Test]
    public async Task After_a_clear_returns_no_caller_gets_a_value_fetched_before_it_under_contention()
    {
        var def = Def("racy");
        var version = 0;
        var module = new InlineModule(Runtime, def);
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
        var expirable = new InlineModule(Runtime, def).Add(def, (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            if (n == 2)
            {
                eagerStarted.TrySetResult(true);
            }

            return n switch
            {
                1 => new ValueTask<Fetched<string>>(Fetched.Ok("first", Time.GetUtcNow().AddMinutes(2))),
                2 => new ValueTask<Fetched<string>>(eagerGate.Task),
                _ => new ValueTask<Fetched<string>>(Fetched.Ok("after-clear-" + n, Time.GetUtcNow().AddMinutes(2))),
            };
        });

        Assert.That(await expirable.GetAsync(), Is.EqualTo("first"));
        Time.Advance(TimeSpan.FromSeconds(90)); // eager window opens: refresh #2 starts and hangs
        await eagerStarted.Task.WaitAsync(Patience);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("first"), "callers keep the current value during an eager refresh");

        Time.Advance(TimeSpan.FromSeconds(30)); // expired: a caller now joins the eager refresh
        var joined = expirable.FetchAsync().AsTask();
        Assert.That(joined.IsCompleted, Is.False);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(2));

        await expirable.ClearAsync();

        // The caller after the clear gets a fetch of its own, once the running one has ended (one call at a time).
        var afterClear = expirable.GetAsync().AsTask();
        Assert.That(afterClear.IsCompleted, Is.False);
        eagerGate.SetResult(Fetched.Ok("eager-late", Time.GetUtcNow().AddMinutes(5)));
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
        var expirable = new InlineModule(Runtime, def).Add(def, Fetcher.For(() =>
        {
            var n = Interlocked.Increment(ref calls);
            return Fetched.Ok(n, Time.GetUtcNow().AddMinutes(1));
        }));

        Assert.That(await expirable.GetAsync(), Is.EqualTo(1));
        for (var cycle = 1; cycle <= 20; cycle++)
        {
            Time.Advance(TimeSpan.FromSeconds(50));
            await expirable.Core.WhenIdleAsync();
            Assert.That(Volatile.Read(ref calls), Is.EqualTo(cycle + 1));
            Assert.That(await expirable.GetAsync(), Is.EqualTo(cycle + 1));
        }
    }

    [Test]
    public async Task Readers_racing_eager_refreshes_expiry_and_clears_never_get_an_expired_or_failed_value()
    {
        var def = Def("stress", RefreshMode.Eager, TimeSpan.FromSeconds(10));
        var module = new InlineModule(Runtime, def);
        var calls = 0;
        var expirable = module.Add(def, async (_, _) =>
        {
            var n = Interlocked.Increment(ref calls);
            await Task.Yield();
            return Fetched.Ok(n, Time.GetUtcNow().AddSeconds(60));
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
            Time.Advance(TimeSpan.FromSeconds(i % 7 == 0 ? 61 : 25));
            if (i % 5 == 0)
            {
                await expirable.ClearAsync();
            }
            else if (i % 11 == 0)
            {
                await module.ClearAllAsync();
            }

            var before = Time.GetUtcNow();
            var got = await expirable.FetchAsync();
            readerTurns.Release(Readers);
            Assert.That(got.IsOk && got.ExpiresAt > before, Is.True, $"iteration {i}: {got} value {got.Value} calls {Volatile.Read(ref calls)} entry {expirable.Entry?.Value} expired {expirable.Entry?.Expired} at {expirable.Entry?.ExpiresAt} now {Time.GetUtcNow()}");
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(Patience);
        Assert.That(problems, Is.Empty);
    }
}
