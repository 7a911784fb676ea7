using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Nodes as separate OS processes (NodeProcess/), through the public ConnectAsync.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class MultiProcessTests : MultiNodeTestBase
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The node processes' key: they and this test's runtimes are different applications, so they name a shared prefix.</summary>
    private const string Key = "shared.ExpirableStore.Cluster.NodeProcess.ProcessExpirables.token";

    [Test]
    public async Task Three_processes_with_300_callers_each_on_an_expired_value_fetch_exactly_once()
    {
        // An expired value is in the bucket: every caller of every process needs a fetch.
        var raw = await RawBucketAsync();
        var key = Key;
        await raw.PutAsync(key, Value("\"stale\"", DateTimeOffset.UtcNow.AddSeconds(-1)));

        var processes = Enumerable.Range(0, 3)
            .Select(_ => Track(NodeProcessRunner.Start("--nats", Server.Url, "--bucket", Bucket, "--callers", "300", "--fetch-ms", "200")))
            .ToArray();
        foreach (var process in processes)
        {
            await process.WaitForLineAsync("READY", ProcessTimeout);
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(processes.Select(p => p.SendAsync("GO")));
        var done = await Task.WhenAll(processes.Select(p => p.WaitForLineAsync("DONE ", ProcessTimeout)));
        clock.Stop();

        TestContext.Out.WriteLine($"3 processes x 300 callers: all done in {clock.Elapsed.TotalMilliseconds:F0} ms (one 200 ms fetch); {string.Join(" | ", done)}");
        Assert.That(processes.Sum(p => p.Fetches), Is.EqualTo(1), "one fetch in all processes together");
        var values = done.Select(line => line.Split(' ')).ToArray();
        Assert.That(values.All(v => v[1] == "300" && v[2] == "0"), Is.True, "every caller got a value");
        Assert.That(values.Select(v => v[3]).Distinct().Count(), Is.EqualTo(1), "the same value everywhere");
    }

    [Test]
    public async Task Three_processes_refreshing_a_rotating_token_at_once_present_each_refresh_token_once_in_order()
    {
        const int Rounds = 3;
        var processes = Enumerable.Range(0, 3)
            .Select(_ => Track(NodeProcessRunner.Start("--nats", Server.Url, "--bucket", Bucket, "--callers", "30", "--fetch-ms", "100", "--rounds", Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray();
        foreach (var process in processes)
        {
            await process.WaitForLineAsync("READY", ProcessTimeout);
        }

        var stale = "-";
        for (var round = 1; round <= Rounds; round++)
        {
            // Each process first drops the last round's value (compare-and-clear keeps the state), then 30 callers read.
            await Task.WhenAll(processes.Select(p => p.SendAsync("GO " + stale)));
            var done = await Task.WhenAll(processes.Select(p => p.WaitForLineAsync($"DONE-{round} ", ProcessTimeout)));
            TestContext.Out.WriteLine($"round {round}: {string.Join(" | ", done)}");
            Assert.That(done.Select(line => line.Split(' ')[1..]), Is.All.EqualTo(new[] { "30", "0", $"at-rt-{round}" }), "round " + round);
            stale = $"at-rt-{round}";
        }

        var presented = processes.SelectMany(p => p.Lines).Where(line => line.StartsWith("PRESENT ", StringComparison.Ordinal)).Select(line => line.Split(' ')[2]).ToList();
        Assert.That(presented.Order(), Is.EqualTo(Enumerable.Range(1, Rounds).Select(n => $"rt-{n}")), "each refresh token presented once in the cluster");
    }

    [Test]
    public async Task Lease_holder_killed_with_SIGKILL_mid_fetch_another_node_completes_within_lease_plus_1s()
    {
        var lease = TimeSpan.FromSeconds(2);
        var holder = Track(NodeProcessRunner.Start("--nats", Server.Url, "--bucket", Bucket, "--callers", "1", "--lease-ms", "2000", "--hang"));
        await holder.WaitForLineAsync("READY", ProcessTimeout);

        var options = NodeOptions(TimeProvider.System);
        options.LeaseDuration = lease;
        options.KeyPrefix = "shared";
        var survivor = await StartNodeAsync("survivor", options);

        await holder.SendAsync("GO");
        await holder.WaitForLineAsync("FETCH ", ProcessTimeout);
        var key = Key;
        await WaitForReplicaAsync(survivor.Cluster, key, s => s.Envelope?.Lease is not null);

        await holder.KillAsync();
        var clock = Stopwatch.StartNew();

        // The survivor's own access to the same key: it waits for the dead holder's lease to lapse, then fetches.
        var fetched = 0;
        var result = await survivor.Cluster.FetchAsync(key, TimeSpan.Zero, _ =>
        {
            Interlocked.Increment(ref fetched);
            return ValueTask.FromResult(ClusterFetchOutcome.Success(Bytes("\"survivor\""), DateTimeOffset.UtcNow.AddMinutes(5)));
        }).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        clock.Stop();

        TestContext.Out.WriteLine($"fetch completed {clock.Elapsed.TotalMilliseconds:F0} ms after SIGKILL of the holder (lease {lease.TotalMilliseconds} ms)");
        Assert.That(fetched, Is.EqualTo(1));
        Assert.That(result.Stored, Is.True);
        Assert.That(clock.Elapsed, Is.LessThan(lease + TimeSpan.FromSeconds(1)));
    }
}
