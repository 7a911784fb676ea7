using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

/// <summary>A 3-server JetStream cluster on loopback with an R3 bucket.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class JetStreamClusterTests : ClusterTestBase
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task Losing_one_server_under_load_causes_no_caller_error_and_at_most_one_extra_fetch(bool fetchLocallyWhenDisconnected)
    {
        var cluster = Track(await NatsClusterProcesses.StartAsync());
        var stores = new List<ClusterStore>();
        var logs = new RecordingLoggerFactory();
        for (var i = 0; i < 3; i++)
        {
            // Each node prefers a different server (the first URL), so killing n1 fails one node over.
            var urls = string.Join(",", Enumerable.Range(0, 3).Select(j => cluster.Servers[(i + j) % 3].Url));
            var options = Options($"node{i}", urls) with { Replicas = 3, LeaseDuration = TimeSpan.FromSeconds(2), CallTimeout = TimeSpan.FromSeconds(2), LoggerFactory = logs, FetchLocallyWhenDisconnected = fetchLocallyWhenDisconnected };
            stores.Add(await ConnectWithRetryAsync(options));
        }

        var validity = TimeSpan.FromMilliseconds(500);
        var fetches = 0;
        var errors = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var longestFetch = TimeSpan.Zero;
        using var stop = new CancellationTokenSource();
        // Several callers per node; like the runtime, a node runs one fetch at a time per key (single flight).
        var singleFlight = stores.ToDictionary(store => store, _ => new SemaphoreSlim(1));
        var load = stores.SelectMany(store => Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var calls = 0;
            while (!stop.IsCancellationRequested)
            {
                if (!store.TryGetValue("fx.rate", out _))
                {
                    await singleFlight[store].WaitAsync();
                    try
                    {
                    if (store.TryGetValue("fx.rate", out _))
                    {
                        continue;
                    }

                    var started = Stopwatch.GetTimestamp();
                    var result = await store.FetchAsync("fx.rate", TimeSpan.Zero, Fetcher(() =>
                    {
                        Interlocked.Increment(ref fetches);
                        return ClusterFetchOutcome.Success(Bytes("1.0842"), DateTimeOffset.UtcNow + validity);
                    }));
                    var waited = Stopwatch.GetElapsedTime(started);
                    lock (outcomes)
                    {
                        longestFetch = waited > longestFetch ? waited : longestFetch;
                    }

                    outcomes.AddOrUpdate($"{result.Source}/{result.Stored}", 1, (_, n) => n + 1);
                    if (result.Failure is { } failure)
                    {
                        errors.Enqueue(failure);
                    }
                    }
                    finally
                    {
                        singleFlight[store].Release();
                    }
                }

                if (++calls % 50 == 0)
                {
                    await Task.Delay(1);
                }
            }
        }))).ToArray();

        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var beforeKill = Volatile.Read(ref fetches);
        var killedAt = clock.Elapsed;
        await cluster.Servers[0].StopAsync(kill: true);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(20));
        var total = clock.Elapsed;

        var cycles = (int)Math.Ceiling(total / validity);
        TestContext.Out.WriteLine($"fetches: {beforeKill} before the kill at {killedAt.TotalSeconds:F1}s, {fetches} in {total.TotalSeconds:F1}s; {cycles} validity cycles; longest wait for a value {longestFetch.TotalMilliseconds:F0} ms; outcomes: {string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"))}");
        foreach (var line in logs.Lines.Take(60))
        {
            TestContext.Out.WriteLine(line);
        }

        Assert.That(errors, Is.Empty, string.Join("; ", errors.Take(5)));
        Assert.That(fetches, Is.LessThanOrEqualTo(cycles + 1), "one fetch per cycle cluster-wide, at most one extra for the failover");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Concurrent_claims_on_an_R3_bucket_fetch_once_despite_nats_server_4320(bool confirmClaims)
    {
        var cluster = Track(await NatsClusterProcesses.StartAsync());
        var stores = new List<ClusterStore>();
        for (var i = 0; i < 6; i++)
        {
            stores.Add(Track(await ConnectWithRetryAsync(Options($"node{i}", cluster.Servers[i % 3].Url) with { Replicas = 3, ConfirmClaims = confirmClaims })));
        }

        var duplicates = 0;
        var doubleStores = 0;
        const int Rounds = 30;
        for (var round = 0; round < Rounds; round++)
        {
            // An expired value is there: every claim is an update with the same expected revision.
            var key = $"race.r{round}";
            await stores[0].Bucket.PutAsync(key, stores[0].Codec.Encode(key, new ClusterEnvelope { Data = Bytes("old"), ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }), CancellationToken.None);
            foreach (var store in stores)
            {
                await WaitForReplicaAsync(store, key, s => s.Envelope?.HasValue == true);
            }

            var fetches = 0;
            using var go = new ManualResetEventSlim();
            // Three concurrent claimers per connection (more contention than a runtime's single flight makes).
            var calls = stores.SelectMany(store => Enumerable.Repeat(store, 3)).Select(store => Task.Run(async () =>
            {
                go.Wait();
                return await store.FetchAsync(key, TimeSpan.Zero, Fetcher(() =>
                {
                    Interlocked.Increment(ref fetches);
                    return ClusterFetchOutcome.Success(Bytes(store.NodeName), null);
                }));
            })).ToArray();
            go.Set();
            var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
            duplicates += fetches - 1;
            var stored = results.Count(r => r.Stored);
            doubleStores += stored > 1 ? 1 : 0;
            if (confirmClaims)
            {
                Assert.That(stored, Is.EqualTo(1), "fencing: exactly one value stored");
            }
            else
            {
                // Unmitigated, nats-server#4320 also lets concurrent final writes with the same expected
                // revision through: this run only measures how often, for comparison.
                Assert.That(stored, Is.GreaterThanOrEqualTo(1), "some holder stored its value");
            }
        }

        TestContext.Out.WriteLine($"R3, 6 connections x 3 claimers x {Rounds} rounds of concurrent claims: {duplicates} duplicate fetches, {doubleStores} rounds with more than one stored value (claims confirmed with a second CAS: {confirmClaims})");
        if (!confirmClaims)
        {
            return; // the measurement without the mitigation, for comparison
        }

        Assert.That(duplicates, Is.LessThanOrEqualTo(Rounds / 10), "confirmed claims make duplicate fetches rare on nats-server < 2.9.21");
    }

    private static async Task<ClusterStore> ConnectWithRetryAsync(ClusterStoreOptions options)
    {
        // A fresh cluster elects its JetStream meta leader after start: retry under a deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await ClusterStore.ConnectAsync(options);
            }
            catch (Exception ex) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && ex is ClusterCallTimeoutException or NATS.Client.Core.NatsException)
            {
                await Task.Delay(200);
            }
        }
    }
}
