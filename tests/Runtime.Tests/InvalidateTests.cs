using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// Compare-and-clear: "the API said 401: invalidate the token I used, get again". However many callers
/// reject the same value, it is dropped once and fetched once.
/// </summary>
public sealed class InvalidateTests : RuntimeTestBase
{
    private const int Callers = 50;
    private const int Rounds = 20;

    [TestCaseSource(nameof(Scopes))]
    public async Task Fifty_callers_rejecting_the_same_value_cause_one_refetch(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Lazy);
        Backend.Handler = async (name, n, _) =>
        {
            await Task.Yield();
            return Backend.Ok($"{name}-{n}");
        };

        for (var round = 1; round <= Rounds; round++)
        {
            var rejected = await expirable.GetAsync();
            var go = NewSource<bool>();
            var ready = 0;
            var allReady = NewSource<bool>();
            var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                var token = await expirable.GetAsync();
                if (Interlocked.Increment(ref ready) == Callers)
                {
                    allReady.SetResult(true);
                }

                await go.Task;

                // The upstream rejected the token: drop that one (if nobody has yet), get again.
                await expirable.InvalidateAsync(token);
                return await expirable.GetAsync();
            })).ToArray();

            await allReady.Task;
            go.SetResult(true);
            var got = await Task.WhenAll(callers);

            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(round + 1), $"round {round}: one refetch for {Callers} rejections");
            Assert.That(got, Has.All.EqualTo($"{expirable.Name}-{round + 1}").And.None.EqualTo(rejected));
        }
    }

    [Test]
    public async Task Fifty_callers_rejecting_the_same_outcome_cause_one_refetch_even_when_the_upstream_returns_the_same_token()
    {
        // An upstream that hands out the same token again: equal values, different fetches.
        var expirable = Module.LocalLazy;
        Backend.Handler = async (_, _, _) =>
        {
            await Task.Yield();
            return Backend.Ok("the-same-token");
        };

        for (var round = 1; round <= Rounds; round++)
        {
            await expirable.GetAsync();
            var go = NewSource<bool>();
            var ready = 0;
            var allReady = NewSource<bool>();
            var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                var outcome = await expirable.FetchAsync();
                if (Interlocked.Increment(ref ready) == Callers)
                {
                    allReady.SetResult(true);
                }

                await go.Task;
                await expirable.InvalidateAsync(outcome);
                return await expirable.FetchAsync();
            })).ToArray();

            await allReady.Task;
            go.SetResult(true);
            var got = await Task.WhenAll(callers);

            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(round + 1), $"round {round}: one refetch for {Callers} rejections");
            Assert.That(got.Select(o => o.ExpiresAt).Distinct().Count(), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Invalidating_a_value_that_was_already_replaced_changes_nothing()
    {
        var expirable = Module.LocalLazy;
        var first = await expirable.GetAsync();
        Assert.That(await expirable.InvalidateAsync(first), Is.True);
        var second = await expirable.GetAsync();

        Assert.That(await expirable.InvalidateAsync(first), Is.False);
        Assert.That(await expirable.GetAsync(), Is.EqualTo(second));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [Test]
    public async Task Invalidating_with_nothing_cached_changes_nothing()
    {
        Assert.That(await Module.LocalLazy.InvalidateAsync("never fetched"), Is.False);
        Assert.That(Backend.Calls(Module.LocalLazy.Name), Is.Zero);
    }

    [Test]
    public async Task Invalidate_compares_values_by_their_equality_and_works_by_name()
    {
        Assert.That(await Module.FxRate.GetAsync(), Is.EqualTo(1234.5m));
        Assert.That(await Module.InvalidateAsync("fx_rate", 1.5m), Is.False);
        Assert.That(await Module.InvalidateAsync("fx_rate", (object)1234.5m), Is.True);
        await Module.FxRate.GetAsync();
        Assert.That(await Module.InvalidateAsync<decimal>("fx_rate", 1234.5m), Is.True);
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.InvalidateAsync("fx_rate", "not a decimal"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.InvalidateAsync("no_such", 1m));
    }

    [Test]
    public async Task A_fetch_running_when_its_value_is_invalidated_does_not_store_over_it()
    {
        // An eager refresh started before the invalidation: as for a clear, its value is its callers' only.
        var expirable = Module.LocalEager;
        var rejected = await expirable.GetAsync();
        var release = NewSource<Fetched<string>>();
        var eagerStarted = NewSource<bool>();
        Backend.Handler = (name, n, _) =>
        {
            if (n != 2)
            {
                return Task.FromResult(Backend.Ok($"{name}-{n}"));
            }

            eagerStarted.SetResult(true);
            return release.Task;
        };
        Time.Advance(TimeSpan.FromSeconds(30));
        await eagerStarted.Task;

        Assert.That(await expirable.InvalidateAsync(rejected), Is.True);
        var again = expirable.GetAsync().AsTask();
        release.SetResult(Backend.Ok("started-before-the-invalidation"));
        Assert.That(await again, Is.EqualTo(expirable.Name + "-3"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-3"));
    }
}
