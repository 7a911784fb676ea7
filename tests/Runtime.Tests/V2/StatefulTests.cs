using System;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Internal;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>The original's stateful, put_state/update_state and require_initial_state tests (v0.6, v0.7), ported.</summary>
public sealed class StatefulTests : V2TestBase
{
    [Test]
    public async Task State_is_passed_between_fetch_calls()
    {
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_1"));
        Time.Advance(V2Sources.Lifetime);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_2"));

        Assert.That(V2Sources.Calls.Select(c => c.State), Is.EqualTo(new object[] { 0, 1 }));
    }

    [Test]
    public async Task Clear_resets_state_to_the_default()
    {
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_1"));
        await Module.StatefulCounter.ClearAsync();
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_1"));

        Assert.That(V2Sources.Calls.Select(c => c.State), Is.EqualTo(new object[] { 0, 0 }));
    }

    [Test]
    public async Task A_failure_still_hands_back_its_next_state()
    {
        V2Sources.Fail = true;
        var failed = await Module.StatefulCounter.FetchAsync();
        Assert.That(failed.IsOk, Is.False);
        Assert.That(failed.Failure, Is.EqualTo(FetchFailure.Failed));

        V2Sources.Fail = false;
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_2"));
        Assert.That(V2Sources.Calls.Select(c => c.State), Is.EqualTo(new object[] { 0, 1 }));
    }

    [Test]
    public async Task A_throwing_fetch_keeps_the_state_it_received()
    {
        await Module.StatefulCounter.PutStateAsync(7);
        V2Sources.Gate = (_, _, _) => Task.FromException(new InvalidOperationException("boom"));
        Assert.That((await Module.StatefulCounter.FetchAsync()).IsOk, Is.False);

        V2Sources.Gate = null;
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_8"));
    }

    [Test]
    public async Task Put_state_replaces_state_entirely()
    {
        await Module.StatefulCounter.PutStateAsync(10);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_11"));
    }

    [Test]
    public async Task Put_state_keeps_the_cached_value_and_the_next_fetch_uses_it()
    {
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_1"));
        await Module.StatefulCounter.PutStateAsync(10);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_1"));

        Time.Advance(V2Sources.Lifetime);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_11"));
    }

    [Test]
    public async Task Update_state_transforms_existing_state()
    {
        await Module.StatefulCounter.PutStateAsync(5);
        await Module.StatefulCounter.UpdateStateAsync(n => n * 2);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_11"));
    }

    [Test]
    public async Task An_update_that_throws_changes_nothing_and_its_exception_reaches_the_caller()
    {
        await Module.StatefulCounter.PutStateAsync(5);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_6"));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Module.StatefulCounter.UpdateStateAsync(_ => throw new InvalidOperationException("bad update")));
        Assert.That(thrown!.Message, Is.EqualTo("bad update"));

        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_6"), "the cached value stays");
        await Module.StatefulCounter.ClearAsync();
        await Module.StatefulCounter.PutStateAsync(7);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_8"), "the table of states is not stuck");

        var tenant = Guid.NewGuid();
        await Module.KeyedCounter.PutStateAsync(tenant, 1);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Module.KeyedCounter.UpdateStateAsync(tenant, _ => throw new InvalidOperationException("bad update")));
        await Module.KeyedCounter.UpdateStateAsync(tenant, n => n + 10);
        Assert.That(await Module.KeyedCounter.GetAsync(tenant), Is.EqualTo("keyed_counter_12"));
    }

    [Test]
    public async Task Update_state_receives_the_default_when_no_state_exists()
    {
        int? seen = null;
        await Module.StatefulCounter.UpdateStateAsync(n =>
        {
            seen = n;
            return 99;
        });
        Assert.That(seen, Is.EqualTo(0));
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_100"));

        Grant? seenGrant = new("not called");
        await Module.RequireInitExample.UpdateStateAsync(g =>
        {
            seenGrant = g;
            return new Grant("fresh");
        });
        Assert.That(seenGrant, Is.Null);
        Assert.That(await Module.RequireInitExample.GetAsync(), Is.EqualTo("require_init_fresh_1"));
    }

    [Test]
    public async Task A_put_while_a_fetch_runs_is_not_overwritten_by_its_next_state([Values(1, 2, 3)] int iteration)
    {
        var entered = NewGate();
        var release = NewGate();
        V2Sources.Gate = (_, _, _) =>
        {
            entered.TrySetResult();
            return release.Task;
        };

        var running = Module.StatefulCounter.GetAsync().AsTask();
        await entered.Task;
        await Module.StatefulCounter.PutStateAsync(40);
        release.SetResult();
        Assert.That(await running, Is.EqualTo("stateful_counter_1"));

        Assert.That(Module.StatefulCounter.Core.State, Is.EqualTo(new StateSnapshot(40)));
    }

    [Test]
    public async Task The_state_put_while_a_fetch_runs_is_what_the_next_fetch_receives()
    {
        var entered = NewGate();
        var release = NewGate();
        V2Sources.Gate = (_, _, _) =>
        {
            entered.TrySetResult();
            return release.Task;
        };

        var running = Module.StatefulCounter.GetAsync().AsTask();
        await entered.Task;
        await Module.StatefulCounter.PutStateAsync(40);
        release.SetResult();
        await running;

        V2Sources.Gate = null;
        Time.Advance(V2Sources.Lifetime);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_41"));
    }

    [Test]
    public async Task Invalidate_drops_the_value_and_keeps_the_state()
    {
        var first = await Module.StatefulCounter.GetAsync();
        Assert.That(await Module.StatefulCounter.InvalidateAsync(first), Is.True);
        Assert.That(await Module.StatefulCounter.GetAsync(), Is.EqualTo("stateful_counter_2"));
    }

    [Test]
    public async Task Fetch_returns_state_required_before_put_state()
    {
        var outcome = await Module.RequireInitExample.FetchAsync();

        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That(outcome.Error, Does.Contain("PutStateAsync"));
        Assert.That(V2Sources.Calls, Is.Empty);
        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await Module.RequireInitExample.GetAsync());
        Assert.That(thrown!.Failure, Is.EqualTo(FetchFailure.StateRequired));
    }

    [Test]
    public async Task Fetch_works_after_put_state()
    {
        await Module.RequireInitExample.PutStateAsync(new Grant("hello"));

        var token = await Module.RequireInitExample.GetAsync();

        Assert.That(token, Does.StartWith("require_init_hello_"));
        Assert.That(V2Sources.Calls.Single().State, Is.EqualTo(new Grant("hello")));
    }

    [Test]
    public async Task Clear_requires_the_state_again()
    {
        await Module.RequireInitExample.PutStateAsync(new Grant("abc"));
        Assert.That((await Module.RequireInitExample.FetchAsync()).IsOk, Is.True);

        await Module.RequireInitExample.ClearAsync();

        Assert.That((await Module.RequireInitExample.FetchAsync()).Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That(V2Sources.Calls.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Keyed_fetch_returns_state_required_before_put_state()
    {
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k1")).Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That(V2Sources.Calls, Is.Empty);
    }

    [Test]
    public async Task Keyed_fetch_works_after_put_state()
    {
        await Module.RequireInitKeyed.PutStateAsync("k1", new Grant("hello"));

        var token = await Module.RequireInitKeyed.GetAsync("k1");

        Assert.That(token, Does.StartWith("require_init_keyed_k1_hello_"));
        Assert.That(V2Sources.Calls.Single(), Is.EqualTo(("require_init_keyed", (object?)"k1", (object?)new Grant("hello"))));
    }

    [Test]
    public async Task Keyed_states_are_independent()
    {
        await Module.RequireInitKeyed.PutStateAsync("k1", new Grant("one"));
        await Module.RequireInitKeyed.PutStateAsync("k2", new Grant("two"));

        Assert.That(await Module.RequireInitKeyed.GetAsync("k1"), Does.StartWith("require_init_keyed_k1_one_"));
        Assert.That(await Module.RequireInitKeyed.GetAsync("k2"), Does.StartWith("require_init_keyed_k2_two_"));
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k3")).Failure, Is.EqualTo(FetchFailure.StateRequired));
    }

    [Test]
    public async Task Clearing_one_key_requires_the_state_again_for_that_key_only()
    {
        await Module.RequireInitKeyed.PutStateAsync("k1", new Grant("one"));
        await Module.RequireInitKeyed.PutStateAsync("k2", new Grant("two"));
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k1")).IsOk, Is.True);
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k2")).IsOk, Is.True);

        await Module.RequireInitKeyed.ClearAsync("k1");

        Assert.That((await Module.RequireInitKeyed.FetchAsync("k1")).Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k2")).IsOk, Is.True);
    }

    [Test]
    public async Task Clear_all_of_a_keyed_stateful_expirable_requires_every_state_again()
    {
        await Module.RequireInitKeyed.PutStateAsync("k1", new Grant("one"));
        await Module.RequireInitKeyed.PutStateAsync("k2", new Grant("two"));

        await Module.ClearAllAsync();

        Assert.That((await Module.RequireInitKeyed.FetchAsync("k1")).Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k2")).Failure, Is.EqualTo(FetchFailure.StateRequired));
    }

    [Test]
    public async Task Keyed_counters_pass_state_per_key_and_a_failure_keeps_it()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        V2Sources.Fail = true;
        Assert.That((await Module.KeyedCounter.FetchAsync(a)).IsOk, Is.False);
        V2Sources.Fail = false;

        Assert.That(await Module.KeyedCounter.GetAsync(a), Is.EqualTo("keyed_counter_2"));
        Assert.That(await Module.KeyedCounter.GetAsync(b), Is.EqualTo("keyed_counter_1"));
        await Module.KeyedCounter.UpdateStateAsync(b, n => n + 10);
        await Module.KeyedCounter.ClearAsync(a);
        Time.Advance(V2Sources.Lifetime);
        Assert.That(await Module.KeyedCounter.GetAsync(a), Is.EqualTo("keyed_counter_1"));
        Assert.That(await Module.KeyedCounter.GetAsync(b), Is.EqualTo("keyed_counter_12"));
    }

    [Test]
    public async Task Name_based_state_members()
    {
        await Module.PutStateAsync("stateful_counter", 10);
        await Module.UpdateStateAsync<int>("stateful_counter", n => n + 1);
        Assert.That(await Module.GetAsync<string>("stateful_counter"), Is.EqualTo("stateful_counter_12"));

        await Module.PutStateAsync("require_init_keyed", "k1", new Grant("named"));
        await Module.UpdateStateAsync<string, Grant>("require_init_keyed", "k1", g => g! with { Prefix = g.Prefix + "2" });
        Assert.That(await Module.GetAsync<string, string>("require_init_keyed", "k1"), Does.StartWith("require_init_keyed_k1_named2_"));

        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.PutStateAsync("stateful_counter", "not an int"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Module.PutStateAsync("local_lazy_keyed", "apple", 1));
    }
}
