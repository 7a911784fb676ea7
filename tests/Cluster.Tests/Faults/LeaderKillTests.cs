using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Cluster.Tests.Nodes;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Faults;

/// <summary>A 3-server JetStream cluster whose KV stream leader (the actual one, from stream info) is SIGKILLed under load.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class LeaderKillTests : ClusterTestBase
{
    private const int Runtimes = 6;
    private const int Keys = 100;
    private const int WorkersPerRuntime = 8;
    private static readonly TimeSpan Validity = TimeSpan.FromSeconds(3);

    /// <param name="clients">Where the runtimes are connected: spread over the servers, or all on the leader (all fail over at once).</param>
    /// <param name="directReads">Whether the bucket lets any replica answer reads (nats.net's default) or only its leader (an operator's choice).</param>
    [TestCase("spread", true)]
    [TestCase("on the leader", false)]
    public async Task Killing_the_KV_streams_leader_while_6_runtimes_x_100_keys_expire_causes_no_caller_error_and_one_fetch_per_key_per_cycle(string clients, bool directReads)
    {
        var cluster = Track(await NatsClusterProcesses.StartAsync());
        await using var probe = await NatsProbe.ConnectAsync(cluster.Urls, Bucket);
        await CreateBucketAsync(probe, directReads);
        var leaderAtStart = (await probe.InfoAsync()).Cluster!.Leader;
        var leaderIndex = cluster.Servers.Select((server, index) => (server, index)).Single(s => s.server.Name == leaderAtStart).index;
        var fetches = new ConcurrentQueue<(int Key, DateTimeOffset At)>();
        var modules = new List<ManyKeys>();
        var logs = new RecordingLoggerFactory { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Warning };
        for (var i = 0; i < Runtimes; i++)
        {
            // Spread: each runtime prefers another server, so the kill fails some of them over; on the leader: all.
            var first = clients == "spread" ? i : leaderIndex;
            var urls = string.Join(",", Enumerable.Range(0, 3).Select(j => cluster.Servers[(first + j) % 3].Url));
            var runtime = Track(await ConnectWithRetryAsync(new ExpirableRuntimeOptions
            {
                NatsUrl = urls,
                Bucket = Bucket,
                Replicas = 3,
                NatsCallTimeout = TimeSpan.FromSeconds(2), // the lease stays at its 15 s default: longer than an election
                LoggerFactory = logs,
            }));
            modules.Add(new ManyKeys(runtime, "Faults.LeaderKill", Keys, (key, ct) =>
            {
                fetches.Enqueue((key, DateTimeOffset.UtcNow));
                return Task.FromResult(Fetched.Ok($"k{key}-{fetches.Count}", DateTimeOffset.UtcNow + Validity));
            }));
        }

        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var workers = modules.SelectMany(module => Enumerable.Range(0, WorkersPerRuntime).Select(_ => Task.Run(async () =>
        {
            var calls = 0;
            while (!stop.IsCancellationRequested)
            {
                var key = Random.Shared.Next(Keys);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await module.Keys[key].GetAsync();
                }
                catch (Exception ex) when (ex is ExpirableFetchException or TimeoutException or InvalidOperationException)
                {
                    errors.Enqueue($"{module.Keys[key].Name}: {ex.Message}");
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (++calls % 25 == 0)
                {
                    await Task.Delay(1); // pacing 48 callers on 2 cores, not synchronising
                }
            }
        }))).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(5)); // load before the kill: ~1.5 validity cycles
        var leader = (await probe.InfoAsync()).Cluster!.Leader;
        var victim = cluster.Servers.Single(server => server.Name == leader);
        var killedAt = DateTimeOffset.UtcNow;
        await victim.StopAsync(kill: true);
        await Task.Delay(TimeSpan.FromSeconds(18)); // the election (4-9 s on 2.9) and several cycles after it
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        var newLeader = (await probe.InfoAsync()).Cluster!.Leader;

        var all = fetches.ToArray();
        var duplicates = all.GroupBy(f => f.Key).Sum(group =>
        {
            var times = group.Select(f => f.At).Order().ToArray();
            return times.Zip(times.Skip(1)).Count(pair => pair.Second < pair.First + Validity - TimeSpan.FromMilliseconds(100));
        });
        var firstAfterKill = all.Where(f => f.At > killedAt).Select(f => f.At - killedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var sorted = latencies.Order().ToArray();
        var slow = sorted.Where(ms => ms >= 1).ToArray(); // the calls that needed a value (hits take microseconds)
        TestContext.Out.WriteLine(
            $"SIGKILL of stream leader {leader} (new leader {newLeader}), clients {clients}, direct reads {directReads}, under {Runtimes} runtimes x {Keys} keys, {Runtimes * WorkersPerRuntime} callers, {Validity.TotalSeconds} s validity: " +
            $"{sorted.Length} calls, {errors.Count} caller errors; {all.Length} fetches, {duplicates} while the key's previous value was still valid (fetches per key per cycle: 1); " +
            $"caller latency p50 {Percentile(sorted, 0.50) * 1000:F1} us, p99 {Percentile(sorted, 0.99) * 1000:F1} us, max {sorted[^1]:F0} ms; " +
            $"the {slow.Length} calls that waited for a value (>= 1 ms): p50 {Percentile(slow, 0.50):F0} ms, p99 {Percentile(slow, 0.99):F0} ms; first upstream fetch {firstAfterKill.TotalSeconds:F1} s after the kill");
        Assert.That(errors, Is.Empty, string.Join("; ", errors.Take(5)));
        Assert.That(logs.Matching("is not the one watched"), Is.Empty, "a new stream leader is the same stream: no resync");
        Assert.That(logs.Matching("without cluster coordination"), Is.Empty, "no fetch ran uncoordinated");
        Assert.That(duplicates, Is.Zero, "one fetch per key per validity cycle in the whole cluster");
        Assert.That(all.Length, Is.GreaterThan(Keys * 3), "the keys kept expiring and being fetched");
    }

    /// <summary>The R3 bucket, created (with retries while the fresh cluster elects its meta leader) as an operator would.</summary>
    private async Task CreateBucketAsync(NatsProbe probe, bool directReads)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await probe.JetStream.CreateStreamAsync(new NATS.Client.JetStream.Models.StreamConfig(probe.StreamName, [$"$KV.{Bucket}.>"])
                {
                    NumReplicas = 3,
                    MaxMsgsPerSubject = 1,
                    Storage = NATS.Client.JetStream.Models.StreamConfigStorage.File,
                    Discard = NATS.Client.JetStream.Models.StreamConfigDiscard.New,
                    AllowRollupHdrs = true,
                    DenyDelete = true,
                    AllowDirect = directReads,
                    DuplicateWindow = TimeSpan.FromMinutes(2),
                });
                return;
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200);
            }
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<ExpirableRuntime> ConnectWithRetryAsync(ExpirableRuntimeOptions options)
    {
        // A fresh cluster elects its JetStream meta leader after start: retry under a deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await ExpirableRuntime.ConnectAsync(options);
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200);
            }
        }
    }
}
