using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Benchmarks;

/// <summary>
/// Measurements on loopback, printed to the test output (run with
/// <c>--logger "console;verbosity=detailed"</c>). Goals from the issue are asserted loosely so
/// that a slow CI machine does not fail on noise.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class PropagationBenchmarks : ClusterTestBase
{
    [Test]
    public async Task Replica_propagation_latency_from_a_write_on_one_node_to_the_replica_of_another()
    {
        var writer = await ConnectAsync(Options("writer"));
        var reader = await ConnectAsync(Options("reader"));
        const int Samples = 500;
        var latencies = new List<double>(Samples);
        TaskCompletionSource<long>? arrived = null;
        ulong expected = 0;
        reader.Replicas.Changed += state =>
        {
            if (state.Key == "bench.k" && state.Revision >= Volatile.Read(ref expected))
            {
                arrived?.TrySetResult(Stopwatch.GetTimestamp());
            }
        };

        var payload = writer.Codec.Encode("bench.k", Value("\"token-value-0123456789\"", DateTimeOffset.UtcNow.AddHours(1)));
        for (var i = 0; i < Samples + 50; i++)
        {
            arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref expected, ulong.MaxValue);
            var start = Stopwatch.GetTimestamp();
            var revision = (await writer.Bucket.PutAsync("bench.k", payload, expectedRevision: null, CancellationToken.None)).Revision;
            Volatile.Write(ref expected, revision);
            if (reader.Replicas.Get("bench.k").Revision >= revision)
            {
                arrived.TrySetResult(Stopwatch.GetTimestamp());
            }

            var end = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(5));
            if (i >= 50)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
        }

        latencies.Sort();
        var p50 = Percentile(latencies, 0.50);
        var p99 = Percentile(latencies, 0.99);
        TestContext.Out.WriteLine($"replica propagation over {Samples} writes: p50 {p50:F2} ms, p90 {Percentile(latencies, 0.90):F2} ms, p99 {p99:F2} ms, max {latencies[^1]:F2} ms (from the put call to the replica update)");
        Assert.That(p99, Is.LessThan(50), "goal p99 <= 5 ms on an idle loopback; 50 ms tolerates a loaded CI machine");
    }

    [Test]
    public async Task Time_for_300_concurrent_callers_on_3_nodes_to_get_a_value_one_node_fetches()
    {
        var nodes = new List<ClusterStore>();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await ConnectAsync(Options($"n{i}")));
        }

        var rounds = new List<double>();
        for (var round = 0; round < 10; round++)
        {
            var key = $"bench.r{round}";
            var fetches = 0;
            // Per node one flight (the runtime's single flight), shared by that node's callers.
            var perNode = nodes.ToDictionary(n => n, n => new Lazy<Task<ClusterFetchResult>>(() => n.FetchAsync(key, TimeSpan.Zero, async ct =>
            {
                Interlocked.Increment(ref fetches);
                await Task.Delay(20, ct); // a fast token endpoint
                return ClusterFetchOutcome.Success(Bytes("token"), DateTimeOffset.UtcNow.AddMinutes(5));
            }).AsTask()));
            using var go = new ManualResetEventSlim();
            var clock = new Stopwatch();
            var callers = Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
            {
                go.Wait();
                var node = nodes[i % 3];
                return node.TryGetValue(key, out var hit) ? hit.Data : (await perNode[node].Value).Envelope?.Data ?? (await perNode[node].Value).Outcome?.Data;
            })).ToArray();
            clock.Start();
            go.Set();
            var values = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(20));
            clock.Stop();
            Assert.That(fetches, Is.EqualTo(1));
            Assert.That(values.All(v => v is not null && Text(v) == "token"), Is.True);
            rounds.Add(clock.Elapsed.TotalMilliseconds);
        }

        rounds.Sort();
        TestContext.Out.WriteLine($"300 callers on 3 nodes, one 20 ms fetch: median {Percentile(rounds, 0.5):F1} ms, max {rounds[^1]:F1} ms over {rounds.Count} rounds (includes the 20 ms fetch)");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
