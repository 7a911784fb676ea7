using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>nats-server stopped for 10 s and restarted on the same port and store, under runtimes.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class OutageTests : MultiNodeTestBase
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [TestCase(ClusterUnreachableFetchMode.FetchLocally)]
    [TestCase(ClusterUnreachableFetchMode.Fail)]
    public async Task Server_down_for_10s_callers_of_unexpired_values_see_no_error_and_replicas_are_fresh_within_5s_of_restart(ClusterUnreachableFetchMode mode)
    {
        var server = Track(await NatsServerProcess.StartAsync());
        var options = NodeOptions(url: server.Url);
        options.WhenClusterUnreachable = mode;
        var a = await StartNodeAsync("a", options);
        var b = await StartNodeAsync("b", options);
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");

        await server.StopAsync();
        var outage = Stopwatch.StartNew();
        var calls = 0;
        var fallbackChecked = false;
        while (outage.Elapsed < Outage)
        {
            // Unexpired values: served from the replicas, no error, ever.
            Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
            Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
            calls += 2;

            if (!fallbackChecked && !b.Cluster.IsConnected)
            {
                // A needed fetch falls back as configured.
                var rate = await b.Expirables.FxRate.FetchAsync();
                if (mode == ClusterUnreachableFetchMode.FetchLocally)
                {
                    Assert.That(rate.IsOk, Is.True);
                    Assert.That(await b.Expirables.FxRate.GetAsync(), Is.EqualTo(rate.Value), "cached in this process meanwhile");
                }
                else
                {
                    Assert.That(rate.IsOk, Is.False);
                    Assert.That(rate.Error, Does.Contain("unreachable"));
                }

                fallbackChecked = true;
            }

            await Task.Delay(50); // pacing the callers through the outage, not synchronising
        }

        Assert.That(fallbackChecked, Is.True, "the nodes noticed the outage");
        await server.StartAsync();
        var restarted = Stopwatch.StartNew();

        // A new value written after the restart reaches the other replica within 5 s of the restart.
        await WaitUntilConnectedAsync(a);
        Time.Advance(Upstream.Ttl);
        var refreshed = await RetryUntilOkAsync(() => a.Expirables.Token.FetchAsync().AsTask());
        await WaitForValueAsync(b, "token", $"\"{refreshed}\"");
        TestContext.Out.WriteLine($"{mode}: {calls} calls during the {Outage.TotalSeconds} s outage, no error; replicas fresh {restarted.Elapsed.TotalMilliseconds:F0} ms after the restart");
        Assert.That(restarted.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo(refreshed));

        Assert.That(Logs.Matching("NATS is unreachable").Count(), Is.EqualTo(2), "logged once per node");
        Assert.That(Logs.Matching("NATS connection restored").Count(), Is.EqualTo(2), "logged once per node");
    }

    private static async Task WaitUntilConnectedAsync(ClusterNode node)
    {
        // Waiting on the client's reconnect loop to find the restarted server: short polls under a deadline.
        var deadline = Stopwatch.StartNew();
        while (!node.Cluster.IsConnected)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                Assert.Fail($"{node.Name} did not reconnect within 5 s of the restart");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<string> RetryUntilOkAsync(Func<Task<Fetched<string>>> fetch)
    {
        // Right after the restart a's own connection may still be reconnecting (Fail mode fails then): retry under a deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await fetch();
            if (result.IsOk)
            {
                return result.Value;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                Assert.Fail($"no successful fetch within 5 s of the restart: {result.Error}");
            }

            await Task.Delay(50);
        }
    }
}
