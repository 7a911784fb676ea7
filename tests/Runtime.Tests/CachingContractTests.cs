using System;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>The caching contract (the Elixir library's single-node suite, ported) in every scope (cluster runs in-process here) and refresh mode.</summary>
public sealed class CachingContractTests : RuntimeTestBase
{
    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Stores_until_expiration(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        var first = await expirable.GetAsync();

        Time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(first));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));

        if (mode == RefreshMode.Lazy)
        {
            Time.Advance(TimeSpan.FromSeconds(31) - TimeSpan.FromTicks(1));
            Assert.That(await expirable.GetAsync(), Is.EqualTo(first));
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));

            Time.Advance(TimeSpan.FromTicks(1));
            Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
        }
        else
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Idle(expirable);
            Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
        }

        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Does_not_store_fetch_failures(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        Backend.Handler = (name, n, _) => Task.FromResult(n == 1 ? Fetched.Failed<string>("upstream down") : Backend.Ok($"{name}-{n}"));

        var failed = await expirable.FetchAsync();
        Assert.That(failed.IsOk, Is.False);
        Assert.That(failed.Error, Is.EqualTo("upstream down"));
        Assert.Throws<InvalidOperationException>(() => _ = failed.Value);

        var ok = await expirable.FetchAsync();
        Assert.That(ok.IsOk, Is.True);
        Assert.That(ok.Value, Is.EqualTo(expirable.Name + "-2"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Clear_removes_value(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"));

        await expirable.ClearAsync();

        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Refreshes_automatically_before_expiry(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        await expirable.GetAsync();

        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);

        if (mode == RefreshMode.Eager)
        {
            // No caller asked: the background refresh fetched, and its value replaced the old one.
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
            var refreshed = await expirable.FetchAsync();
            Assert.That(refreshed.Value, Is.EqualTo(expirable.Name + "-2"));
            Assert.That(refreshed.ExpiresAt, Is.EqualTo(Start.AddSeconds(90)));
        }
        else
        {
            Time.Advance(TimeSpan.FromSeconds(30));
            await Idle(expirable);
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1), "a lazy value is refreshed only by an access");
        }
    }

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Named_accessor_equals_fetch_by_name(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        var byProperty = await expirable.FetchAsync();
        var byName = await Module.FetchAsync<string>(expirable.Name);
        var boxed = await Module.FetchAsync(expirable.Name);

        Assert.That(byName, Is.EqualTo(byProperty));
        Assert.That(boxed.Value, Is.EqualTo(byProperty.Value));
        Assert.That(boxed.ExpiresAt, Is.EqualTo(byProperty.ExpiresAt));
        Assert.That(await Module.GetAsync<string>(expirable.Name), Is.EqualTo(byProperty.Value));
        Assert.That(await Module.GetAsync(expirable.Name), Is.EqualTo(byProperty.Value));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
    }

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Get_throws_on_failure(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        Backend.Handler = (_, _, _) => Task.FromResult(Fetched.Failed<string>("upstream down"));

        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
        Assert.That(thrown!.Name, Is.EqualTo(expirable.Name));
        Assert.That(thrown.Message, Does.Contain("upstream down"));

        var byName = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await Module.GetAsync<string>(expirable.Name));
        Assert.That(byName!.Name, Is.EqualTo(expirable.Name));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [Test]
    public async Task Clear_all_removes_every_value_of_the_class()
    {
        var all = new[] { Module.LocalLazy, Module.LocalEager, Module.ClusterLazy, Module.ClusterEager };
        foreach (var expirable in all)
        {
            await expirable.GetAsync();
        }

        await Module.ClearAllAsync();

        foreach (var expirable in all)
        {
            Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
        }
    }

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task Never_expiring_value_is_not_refetched_and_not_eagerly_refreshed(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        Backend.Handler = (name, n, _) => Task.FromResult(Fetched.Forever($"{name}-{n}"));

        var first = await expirable.FetchAsync();
        Assert.That(first.IsForever, Is.True);

        for (var day = 0; day < 400; day++)
        {
            Time.Advance(TimeSpan.FromDays(1));
            await Idle(expirable);
        }

        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));

        await expirable.ClearAsync();
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
    }

    [Test]
    public async Task Unknown_name_or_wrong_type_is_an_argument_error()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.FetchAsync("no_such"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.GetAsync<int>("local_lazy"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.ClearAsync("no_such"));
        Assert.That(await Module.GetAsync<decimal>("fx_rate"), Is.EqualTo(1234.5m));
    }
}
