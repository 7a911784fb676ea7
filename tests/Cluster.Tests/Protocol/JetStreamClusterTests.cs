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
    public async Task Concurrent_claims_on_an_R3_bucket_fetch_once_despite_nats_server_4320(bool deduplicate)
    {
        var cluster = Track(await NatsClusterProcesses.StartAsync());
        var stores = new List<ClusterStore>();
        for (var i = 0; i < 6; i++)
        {
            stores.Add(Track(await ConnectWithRetryAsync(Options($"node{i}", cluster.Servers[i % 3].Url) with { Replicas = 3, DeduplicateCas = deduplicate })));
        }

        var duplicates = 0;
        var doubleStores = 0;
        const int Rounds = 50;
        for (var round = 0; round < Rounds; round++)
        {
            // An expired value is there: every claim is an update with the same expected revision.
            var key = $"race.r{round}";
            await stores[0].Bucket.PutAsync(key, stores[0].Codec.Encode(key, Value("old", DateTimeOffset.UtcNow.AddSeconds(-1))), expectedRevision: null, CancellationToken.None);
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
            if (deduplicate)
            {
                Assert.That(fetches, Is.EqualTo(1), $"round {round}: one fetch");
                Assert.That(stored, Is.EqualTo(1), $"round {round}: fencing, exactly one value stored");
            }
            else
            {
                // Without the per-revision message ids, nats-server#4320 lets concurrent compare-and-sets on one
                // revision through: this run only measures how often, for comparison.
                Assert.That(stored, Is.GreaterThanOrEqualTo(1), "some holder stored its value");
            }
        }

        TestContext.Out.WriteLine($"R3 on nats-server 2.9.10, 6 connections x 3 claimers x {Rounds} rounds of concurrent claims: {duplicates} duplicate fetches, {doubleStores} rounds with more than one stored value (compare-and-sets deduplicated by per-revision message ids: {deduplicate})");
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
