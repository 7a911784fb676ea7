using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Nodes;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Benchmarks;

/// <summary>Through the public API: a cluster-scope hit costs what a local hit costs, and 300 callers share one fetch.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class RuntimeClusterBenchmarks : MultiNodeTestBase
{
    [Test]
    public async Task Cluster_scope_hit_costs_the_same_as_a_local_hit()
    {
        var node = await StartNodeAsync("a", NodeOptions(TimeProvider.System));
        Upstream.Ttl = TimeSpan.FromHours(1);
        await node.Expirables.Token.GetAsync();
        await node.Expirables.LocalToken.GetAsync();

        const int N = 2_000_000;
        double Measure(Expirable<string> expirable)
        {
            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < N; i++)
                {
                    var hit = expirable.FetchAsync();
                    if (!hit.IsCompletedSuccessfully)
                    {
                        throw new InvalidOperationException("not a hit");
                    }
                }

                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / N);
            }

            return best;
        }

        var cluster = Measure(node.Expirables.Token);
        var local = Measure(node.Expirables.LocalToken);
        TestContext.Out.WriteLine($"hit via FetchAsync (Stopwatch loop, best of 5 x {N}): cluster scope {cluster:F1} ns, local scope {local:F1} ns");
        // Loose on purpose (a loaded CI box is noisy): any NATS round trip would cost tens of microseconds.
        Assert.That(cluster, Is.LessThan(Math.Max(1000, local * 4)), "a cluster hit reads the replica, like a local hit");
    }

    [Test]
    public async Task Time_for_300_concurrent_callers_on_3_runtimes_to_get_a_value_one_node_fetches()
    {
        var nodes = await StartNodesAsync(3, NodeOptions(TimeProvider.System));
        Upstream.Handler = async (name, call, ct) =>
        {
            await Task.Delay(20, ct); // a fast token endpoint
            return Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5));
        };

        var times = new System.Collections.Generic.List<double>();
        for (var round = 0; round < 10; round++)
        {
            foreach (var node in nodes)
            {
                await node.Expirables.Token.ClearAsync();
            }

            foreach (var node in nodes)
            {
                await WaitForRemovalAsync(node, "token");
            }

            var before = Upstream.Calls("token");
            var clock = Stopwatch.StartNew();
            var values = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () => await nodes[i % 3].Expirables.Token.GetAsync())));
            clock.Stop();
            Assert.That(Upstream.Calls("token") - before, Is.EqualTo(1));
            Assert.That(values.Distinct().Count(), Is.EqualTo(1));
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        TestContext.Out.WriteLine($"300 callers on 3 runtimes, one 20 ms fetch: median {times[times.Count / 2]:F1} ms, max {times[^1]:F1} ms over {times.Count} rounds");
    }
}
