using System;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Internal;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>Idle keys leave memory (KeyIdleTimeout) without losing a state.</summary>
public sealed class KeyIdleTests : V2TestBase
{
    [Test]
    public async Task A_key_not_read_for_a_whole_period_leaves_memory_at_the_end_of_the_next()
    {
        var keys = Module.LocalLazyKeyed.Family;
        await Module.LocalLazyKeyed.GetAsync("apple");
        Assert.That(keys.Count, Is.EqualTo(1));

        Time.Advance(IdleTimeout); // first sweep: read in this period, kept
        Assert.That(keys.Count, Is.EqualTo(1));

        Time.Advance(IdleTimeout); // second sweep: not read for a whole period
        Assert.That(keys.Count, Is.EqualTo(0));

        Assert.That(await Module.LocalLazyKeyed.GetAsync("apple"), Is.EqualTo("local_lazy_keyed_apple_2"));
        Assert.That(keys.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task A_key_read_in_every_period_stays()
    {
        var keys = Module.LocalLazyKeyed.Family;
        for (var period = 0; period < 5; period++)
        {
            await Module.LocalLazyKeyed.GetAsync("apple");
            Time.Advance(IdleTimeout);
        }

        Assert.That(keys.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task An_eager_key_that_nobody_reads_stops_refreshing_when_it_leaves()
    {
        await Module.LocalEagerKeyed.GetAsync("apple");
        for (var minute = 0; minute < 60; minute++)
        {
            Time.Advance(TimeSpan.FromMinutes(1));
            if (Module.LocalEagerKeyed.Family.Cells.TryGetValue("apple", out var cell))
            {
                await cell.Core.WhenIdleAsync();
            }
        }

        Assert.That(Module.LocalEagerKeyed.Family.Count, Is.EqualTo(0));

        // Refreshed about once a minute (value 60 s, margin 10 s) while in memory, never after: 2 periods at most.
        var calls = V2Sources.CallsOf("local_eager_keyed");
        Assert.That(calls, Is.InRange(10, 30));
        Time.Advance(TimeSpan.FromHours(1));
        Assert.That(V2Sources.CallsOf("local_eager_keyed"), Is.EqualTo(calls));
    }

    [Test]
    public async Task A_key_whose_fetch_runs_does_not_leave()
    {
        var release = NewGate();
        V2Sources.Gate = (_, _, _) => release.Task;
        var running = Module.LocalLazyKeyed.GetAsync("apple").AsTask();
        while (V2Sources.CallsOf("local_lazy_keyed") == 0)
        {
            await Task.Yield();
        }

        Time.Advance(IdleTimeout);
        Time.Advance(IdleTimeout);
        Time.Advance(IdleTimeout);
        Assert.That(Module.LocalLazyKeyed.Family.Count, Is.EqualTo(1));

        release.SetResult();
        Assert.That(await running, Is.EqualTo("local_lazy_keyed_apple_1"));
        Assert.That(await Module.LocalLazyKeyed.GetAsync("apple"), Is.EqualTo("local_lazy_keyed_apple_1"));
    }

    [Test]
    public async Task A_local_key_that_leaves_keeps_its_state_for_its_return()
    {
        await Module.RequireInitKeyed.PutStateAsync("k1", new Grant("kept"));
        Assert.That(await Module.RequireInitKeyed.GetAsync("k1"), Is.EqualTo("require_init_keyed_k1_kept_1"));

        Time.Advance(IdleTimeout);
        Time.Advance(IdleTimeout);
        Assert.That(Module.RequireInitKeyed.Family.Count, Is.EqualTo(0));
        Assert.That(Module.RequireInitKeyed.Family.IsParked("k1"), Is.True);

        // Not StateRequired: the state came back with the key.
        Assert.That(await Module.RequireInitKeyed.GetAsync("k1"), Is.EqualTo("require_init_keyed_k1_kept_2"));
        Assert.That(Module.RequireInitKeyed.Family.IsParked("k1"), Is.False);
    }

    [Test]
    public async Task A_parked_state_is_dropped_by_a_clear()
    {
        await Module.RequireInitKeyed.PutStateAsync("k1", new Grant("kept"));
        await Module.RequireInitKeyed.PutStateAsync("k2", new Grant("kept"));
        Time.Advance(IdleTimeout);
        Time.Advance(IdleTimeout);
        Assert.That(Module.RequireInitKeyed.Family.Count, Is.EqualTo(0));

        await Module.RequireInitKeyed.ClearAsync("k1");
        await Module.ClearAllAsync();

        Assert.That((await Module.RequireInitKeyed.FetchAsync("k1")).Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That((await Module.RequireInitKeyed.FetchAsync("k2")).Failure, Is.EqualTo(FetchFailure.StateRequired));
    }

    [Test]
    public async Task Ten_thousand_keys_leave_and_the_runtime_forgets_their_cores()
    {
        for (var i = 0; i < 10_000; i++)
        {
            await Module.LocalLazyKeyed.GetAsync("tenant-" + i);
        }

        Assert.That(Module.LocalLazyKeyed.Family.Count, Is.EqualTo(10_000));
        Time.Advance(IdleTimeout);
        Time.Advance(IdleTimeout);
        Assert.That(Module.LocalLazyKeyed.Family.Count, Is.EqualTo(0));
        Assert.That(Runtime.MemberCount, Is.LessThan(100));

        // Their capacity goes too: the key table is back to its first size (it had 16,384 buckets).
        Assert.That(Module.LocalLazyKeyed.Family.Cells.BucketCount, Is.EqualTo(16));
        Assert.That(await Module.LocalLazyKeyed.GetAsync("tenant-42"), Does.StartWith("local_lazy_keyed_tenant-42"));
    }

    [Test]
    public async Task The_keys_in_memory_are_a_metric_per_expirable_never_per_key()
    {
        using var keys = new MetricCollector<long>(Runtime.Telemetry.Meter, "expirable.keys");
        for (var i = 0; i < 25; i++)
        {
            await Module.LocalLazyKeyed.GetAsync("tenant-" + i);
        }

        await Module.LocalEagerKeyed.GetAsync("one");

        keys.RecordObservableInstruments();
        var now = keys.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["expirable.name"]!, m => m.Value);
        Assert.That(now[Module.LocalLazyKeyed.Key], Is.EqualTo(25));
        Assert.That(now[Module.LocalEagerKeyed.Key], Is.EqualTo(1));
        Assert.That(keys.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values), Has.None.Contains("tenant-"));

        Time.Advance(IdleTimeout);
        Time.Advance(IdleTimeout);
        keys.Clear();
        keys.RecordObservableInstruments();
        Assert.That(keys.GetMeasurementSnapshot().Single(m => (string)m.Tags["expirable.name"]! == Module.LocalLazyKeyed.Key).Value, Is.EqualTo(0));
    }

    [Test]
    public async Task Puts_and_reads_racing_a_sweep_never_lose_the_state([Values(1, 2, 3, 4, 5, 6, 7, 8)] int iteration)
    {
        // Each round: a state put, then a sweep that may take the key out while readers read it.
        for (var round = 1; round <= 20; round++)
        {
            await Module.RequireInitKeyed.PutStateAsync("k", new Grant("r" + round));
            Time.Advance(IdleTimeout);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var readers = new Task<Fetched<string>>[4];
            for (var r = 0; r < readers.Length; r++)
            {
                readers[r] = Task.Run(async () =>
                {
                    await start.Task;
                    return await Module.RequireInitKeyed.FetchAsync("k");
                });
            }

            var sweep = Task.Run(async () =>
            {
                await start.Task;
                Module.RequireInitKeyed.Family.SweepNow();
            });
            start.SetResult();
            await sweep;
            foreach (var reader in readers)
            {
                Assert.That((await reader).IsOk, Is.True, "round " + round);
            }

            await Module.RequireInitKeyed.ClearAsync("k");
        }
    }
}
