using System;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>The original's keyed single-node tests (v0.5), ported, for each scope and refresh mode.</summary>
public sealed class KeyedTests : V2TestBase
{
    private static readonly string[] Names = ["local_lazy_keyed", "local_eager_keyed", "cluster_lazy_keyed", "cluster_eager_keyed"];

    private static System.Collections.Generic.IEnumerable<TestCaseData> All() =>
        Names.Select(name => new TestCaseData(name).SetArgDisplayNames(name));

    [TestCaseSource(nameof(All))]
    public async Task Different_keys_are_cached_independently(string name)
    {
        var expirable = Pick(name);
        var apple = await expirable.GetAsync("apple");
        var banana = await expirable.GetAsync("banana");

        Assert.That(apple, Is.EqualTo($"{name}_apple_1"));
        Assert.That(banana, Is.EqualTo($"{name}_banana_1"));
        Assert.That(V2Sources.CallsOf(name, "apple"), Is.EqualTo(1));
        Assert.That(V2Sources.CallsOf(name, "banana"), Is.EqualTo(1));
    }

    [TestCaseSource(nameof(All))]
    public async Task Same_key_returns_cached_value(string name)
    {
        var expirable = Pick(name);
        var first = await expirable.GetAsync("apple");
        Time.Advance(TimeSpan.FromSeconds(20));
        var second = await expirable.GetAsync("apple");

        Assert.That(second, Is.EqualTo(first));
        Assert.That(V2Sources.CallsOf(name, "apple"), Is.EqualTo(1));
    }

    [TestCaseSource(nameof(All))]
    public async Task Clear_with_key_removes_only_that_key(string name)
    {
        var expirable = Pick(name);
        var apple = await expirable.GetAsync("apple");
        var banana = await expirable.GetAsync("banana");

        await expirable.ClearAsync("apple");

        Assert.That(await expirable.GetAsync("apple"), Is.Not.EqualTo(apple).And.EqualTo($"{name}_apple_2"));
        Assert.That(await expirable.GetAsync("banana"), Is.EqualTo(banana));
    }

    [TestCaseSource(nameof(All))]
    public async Task Clear_without_key_removes_all_keys(string name)
    {
        var expirable = Pick(name);
        await expirable.GetAsync("apple");
        await expirable.GetAsync("banana");

        await expirable.ClearAllAsync();

        Assert.That(await expirable.GetAsync("apple"), Is.EqualTo($"{name}_apple_2"));
        Assert.That(await expirable.GetAsync("banana"), Is.EqualTo($"{name}_banana_2"));
    }

    [TestCaseSource(nameof(All))]
    public async Task Clear_by_name_removes_all_keys(string name)
    {
        var expirable = Pick(name);
        await expirable.GetAsync("apple");
        await expirable.GetAsync("banana");

        await Module.ClearAsync(name);

        Assert.That(await expirable.GetAsync("apple"), Is.EqualTo($"{name}_apple_2"));
        Assert.That(await expirable.GetAsync("banana"), Is.EqualTo($"{name}_banana_2"));
    }

    [Test]
    public async Task Clear_all_clears_all_keyed_entries()
    {
        foreach (var name in Names)
        {
            await Pick(name).GetAsync("apple");
            await Pick(name).GetAsync("banana");
        }

        await Module.ClearAllAsync();

        foreach (var name in Names)
        {
            Assert.That(await Pick(name).GetAsync("apple"), Is.EqualTo($"{name}_apple_2"), name);
            Assert.That(await Pick(name).GetAsync("banana"), Is.EqualTo($"{name}_banana_2"), name);
        }
    }

    [TestCase("local_lazy_keyed")]
    [TestCase("cluster_lazy_keyed")]
    public async Task Expiration_works_independently_per_key(string name)
    {
        var expirable = Pick(name);
        var apple = await expirable.GetAsync("apple");
        Time.Advance(TimeSpan.FromSeconds(30));
        var banana = await expirable.GetAsync("banana");

        Time.Advance(TimeSpan.FromSeconds(30)); // apple's expiry, not banana's
        Assert.That(await expirable.GetAsync("apple"), Is.Not.EqualTo(apple).And.EqualTo($"{name}_apple_2"));
        Assert.That(await expirable.GetAsync("banana"), Is.EqualTo(banana));
        Assert.That(V2Sources.CallsOf(name, "banana"), Is.EqualTo(1));
    }

    [TestCaseSource(nameof(All))]
    public async Task Get_returns_the_value_and_fetch_async_the_outcome_per_key(string name)
    {
        var expirable = Pick(name);
        Assert.That(await expirable.GetAsync("cherry"), Does.StartWith($"{name}_cherry_"));
        var fetched = await expirable.FetchAsync("cherry");
        Assert.That(fetched.IsOk, Is.True);
        Assert.That(fetched.ExpiresAt, Is.EqualTo(Start + V2Sources.Lifetime));
    }

    [Test]
    public async Task Get_throws_for_a_failing_key_only()
    {
        V2Sources.Gate = (_, key, _) => Equals(key, "bad") ? Task.FromException(new InvalidOperationException("tenant unknown")) : Task.CompletedTask;

        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await Module.LocalLazyKeyed.GetAsync("bad"));
        Assert.That(thrown!.Failure, Is.EqualTo(FetchFailure.Failed));
        Assert.That(thrown.Name, Is.EqualTo("local_lazy_keyed"));
        Assert.That(await Module.LocalLazyKeyed.GetAsync("good"), Is.EqualTo("local_lazy_keyed_good_1"));

        // The failure is not cached: the key fetches again.
        V2Sources.Gate = null;
        Assert.That(await Module.LocalLazyKeyed.GetAsync("bad"), Is.EqualTo("local_lazy_keyed_bad_1"));
    }

    [TestCase("local_eager_keyed")]
    [TestCase("cluster_eager_keyed")]
    public async Task Different_keys_get_independent_eager_refresh(string name)
    {
        var expirable = Pick(name);
        var apple = await expirable.GetAsync("apple");
        Time.Advance(TimeSpan.FromSeconds(5));
        var banana = await expirable.GetAsync("banana");

        // Apple's window opens at 50 s, banana's at 55 s (cluster scope in-process: no start jitter).
        Time.Advance(TimeSpan.FromSeconds(45));
        await WhenIdle(expirable, "apple");
        Assert.That(V2Sources.CallsOf(name, "apple"), Is.EqualTo(2));
        Assert.That(V2Sources.CallsOf(name, "banana"), Is.EqualTo(1));
        Assert.That(await expirable.GetAsync("apple"), Is.Not.EqualTo(apple).And.EqualTo($"{name}_apple_2"));
        Assert.That(await expirable.GetAsync("banana"), Is.EqualTo(banana));

        Time.Advance(TimeSpan.FromSeconds(5));
        await WhenIdle(expirable, "banana");
        Assert.That(V2Sources.CallsOf(name, "banana"), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync("banana"), Is.EqualTo($"{name}_banana_2"));
    }

    [Test]
    public async Task Concurrent_callers_of_each_key_share_one_fetch_per_key([Values(1, 2, 3, 4, 5)] int iteration)
    {
        var release = NewGate();
        V2Sources.Gate = (_, _, _) => release.Task;
        var keys = new[] { "a", "b", "c" };
        var callers = Enumerable.Range(0, 60)
            .Select(i => Task.Run(async () => await Module.ClusterLazyKeyed.GetAsync(keys[i % 3])))
            .ToArray();

        // Every key's fetch has started (and waits), then every caller has joined before it returns.
        while (V2Sources.CallsOf("cluster_lazy_keyed") < 3)
        {
            await Task.Yield();
        }

        release.SetResult();
        var values = await Task.WhenAll(callers);

        Assert.That(V2Sources.CallsOf("cluster_lazy_keyed"), Is.EqualTo(3));
        Assert.That(values.Distinct().Order(), Is.EqualTo(keys.Select(k => $"cluster_lazy_keyed_{k}_1")));
    }

    [Test]
    public async Task Keys_are_compared_with_the_default_equality()
    {
        var tenant = Guid.NewGuid();
        var first = await Module.KeyedCounter.GetAsync(tenant);
        var same = await Module.KeyedCounter.GetAsync(Guid.Parse(tenant.ToString()));

        Assert.That(same, Is.EqualTo(first));
        Assert.That(V2Sources.CallsOf("keyed_counter"), Is.EqualTo(1));
    }

    [Test]
    public async Task Invalidate_removes_one_key_only_while_it_still_holds_the_stale_value()
    {
        var apple = await Module.LocalLazyKeyed.GetAsync("apple");
        var banana = await Module.LocalLazyKeyed.GetAsync("banana");

        Assert.That(await Module.LocalLazyKeyed.InvalidateAsync("apple", "something else"), Is.False);
        Assert.That(await Module.LocalLazyKeyed.InvalidateAsync("apple", apple), Is.True);
        Assert.That(await Module.LocalLazyKeyed.InvalidateAsync("apple", apple), Is.False);

        Assert.That(await Module.LocalLazyKeyed.GetAsync("apple"), Is.EqualTo("local_lazy_keyed_apple_2"));
        Assert.That(await Module.LocalLazyKeyed.GetAsync("banana"), Is.EqualTo(banana));
    }

    [Test]
    public async Task A_fetch_cycle_through_two_keys_fails_instead_of_waiting_forever()
    {
        // apple's fetch reads banana, banana's reads apple: the second read is refused.
        V2Sources.Gate = async (name, key, _) =>
        {
            if (name != "local_lazy_keyed")
            {
                return;
            }

            var other = Equals(key, "apple") ? "banana" : "apple";
            var fetched = await Module.LocalLazyKeyed.FetchAsync(other);
            if (!fetched.IsOk)
            {
                throw new InvalidOperationException(fetched.Error);
            }
        };

        var outcome = await Module.LocalLazyKeyed.FetchAsync("apple").AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Does.Contain("fetch cycle"));
    }

    [Test]
    public async Task Name_based_members_reach_one_key()
    {
        Assert.That(await Module.GetAsync<string, string>("local_lazy_keyed", "apple"), Is.EqualTo("local_lazy_keyed_apple_1"));
        Assert.That(await Module.GetAsync<string>("local_lazy_keyed", "apple"), Is.EqualTo("local_lazy_keyed_apple_1"));
        Assert.That((await Module.FetchAsync<string, string>("local_lazy_keyed", "banana")).Value, Is.EqualTo("local_lazy_keyed_banana_1"));
        Assert.That((await Module.FetchAsync<string>("local_lazy_keyed", "banana")).Value, Is.EqualTo("local_lazy_keyed_banana_1"));

        await Module.ClearAsync<string>("local_lazy_keyed", "apple");
        Assert.That(await Module.LocalLazyKeyed.GetAsync("apple"), Is.EqualTo("local_lazy_keyed_apple_2"));
        Assert.That(await Module.InvalidateAsync<string, string>("local_lazy_keyed", "banana", "local_lazy_keyed_banana_1"), Is.True);
        Assert.That(await Module.LocalLazyKeyed.GetAsync("banana"), Is.EqualTo("local_lazy_keyed_banana_2"));
    }

    [Test]
    public async Task Name_based_members_say_what_is_wrong()
    {
        var noKey = await Assert.ThrowsAsync<ArgumentException>(async () => await Module.FetchAsync("local_lazy_keyed"));
        Assert.That(noKey!.Message, Does.Contain("is keyed: pass a key"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.GetAsync<string>("local_lazy_keyed"));
        var wrongKey = await Assert.ThrowsAsync<ArgumentException>(async () => await Module.FetchAsync<int>("local_lazy_keyed", 1));
        Assert.That(wrongKey!.Message, Does.Contain("is not keyed by System.Int32"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.FetchAsync<string>("stateful_counter", "apple"));
    }

    [Test]
    public async Task A_null_key_is_an_argument_error()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Module.LocalLazyKeyed.GetAsync(null!));
    }

    private KeyedExpirable<string, string> Pick(string name) => name switch
    {
        "local_lazy_keyed" => Module.LocalLazyKeyed,
        "local_eager_keyed" => Module.LocalEagerKeyed,
        "cluster_lazy_keyed" => Module.ClusterLazyKeyed,
        _ => Module.ClusterEagerKeyed,
    };

    private static Task WhenIdle(KeyedExpirable<string, string> expirable, string key) =>
        expirable.Family.Cells.TryGetValue(key, out var cell) ? cell.Core.WhenIdleAsync() : Task.CompletedTask;
}
