using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Cluster.Tests.Nodes;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Faults;

/// <summary>
/// A clear racing the fencing write of a holder, on an R3 bucket of nats-server 2.9.10 (whose replicated
/// streams do not serialize expected-revision checks, nats-server#4320).
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ClearRaceTests : ClusterTestBase
{
    private const int Keys = 10;
    private const int Rounds = 10;

    [Test]
    public async Task A_clear_wins_over_a_concurrent_fencing_write_on_a_replicated_bucket()
    {
        var cluster = Track(await NatsClusterProcesses.StartAsync());
        TaskCompletionSource[] gates = [];
        var holder = await ConnectAsync(cluster.Servers[0].Url, (key, ct) => Volatile.Read(ref gates)[key].Task);
        var clearer = await ConnectAsync(cluster.Servers[1].Url, (key, ct) => throw new AssertionException("the clearer never fetches"));
        var clearerStore = ((NatsExpirableStore)clearer.Runtime.StoreFor(ExpirableScope.Cluster)).Cluster!;
        await using var probe = await NatsProbe.ConnectAsync(cluster.Urls, Bucket);

        var resurrected = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var current = Enumerable.Range(0, Keys).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            Volatile.Write(ref gates, current);
            var holding = holder.Keys.Select(key => key.FetchAsync().AsTask()).ToArray();
            await WaitUntilAsync(() => clearerStore.Replicas.States.Count(s => s.Envelope?.Lease is not null) == Keys, $"round {round}: the clearer sees every lease");

            // The holders' fetches end and the clears go out at the same moment.
            using var go = new ManualResetEventSlim();
            var writes = Task.Run(() =>
            {
                go.Wait();
                foreach (var gate in current)
                {
                    gate.SetResult();
                }
            });
            var clears = clearer.Keys.Select(key => Task.Run(async () =>
            {
                go.Wait();
                await key.ClearAsync();
            })).ToArray();
            go.Set();
            await Task.WhenAll(clears.Append(writes)).WaitAsync(TimeSpan.FromSeconds(20));
            var outcomes = await Task.WhenAll(holding).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.That(outcomes.All(o => o.IsOk), Is.True, "the holder's callers get the values they fetched");

            var back = new List<string>();
            foreach (var name in Enumerable.Range(0, Keys).Select(ManyKeys.Name))
            {
                var key = clearerStore.Replicas.Keys.Single(k => k.EndsWith("." + name, StringComparison.Ordinal));
                if ((await probe.ReadAsync(key)).Exists)
                {
                    back.Add(name);
                }
            }

            resurrected += back.Count;
            Assert.That(back, Is.Empty, $"round {round}: values came back after their clear ({resurrected} so far)");

            foreach (var key in clearer.Keys)
            {
                await key.ClearAsync(); // a clean start for the next round
            }
        }

        TestContext.Out.WriteLine($"R3 on nats-server 2.9.10: {Rounds * Keys} clears racing a holder's fencing write: {resurrected} values came back after their clear");
        Assert.That(resurrected, Is.Zero, "a clear is never undone by a write fenced on an earlier revision");
    }

    private async Task<Node> ConnectAsync(string url, Func<int, CancellationToken, Task> fetch)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var runtime = Track(await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions
                {
                    NatsUrl = url,
                    Bucket = Bucket,
                    Replicas = 3,
                    LeaseDuration = TimeSpan.FromSeconds(6),
                    NatsCallTimeout = TimeSpan.FromSeconds(2),
                }));
                var module = new ManyKeys(runtime, "Faults.ClearRace", Keys, async (key, ct) =>
                {
                    await fetch(key, ct);
                    return Fetched.Ok($"k{key}", DateTimeOffset.UtcNow.AddMinutes(5));
                });
                return new Node(runtime, module.Keys);
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200); // the fresh cluster elects its meta leader
            }
        }
    }

    private sealed record Node(ExpirableRuntime Runtime, IReadOnlyList<Expirable<string>> Keys);
}
