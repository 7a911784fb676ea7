using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Cluster.Tests.Nodes;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Faults;

/// <summary>The bucket's stream is lost (a server restarted without its store) or deleted and created again, under running runtimes.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class StoreLossTests : MultiNodeTestBase
{
    private static readonly TimeSpan Goal = TimeSpan.FromSeconds(5);

    [Test]
    public async Task Restarting_the_server_with_an_empty_store_under_3_runtimes_brings_the_bucket_back_and_resyncs_every_replica_within_5s()
    {
        var server = Track(await NatsServerProcess.StartAsync());
        var nodes = await StartNodesAsync(3, RealClock(server.Url));
        await ShareAsync(nodes, "token", "token-1");
        Assert.That(await nodes[0].Expirables.FxRate.GetAsync(), Is.EqualTo(1.09m));

        await server.StopAsync(kill: true);
        foreach (var entry in Directory.EnumerateFileSystemEntries(server.StoreDir))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        await server.StartAsync();
        var restarted = Stopwatch.StartNew();
        var resync = await ResyncAsync(nodes, server.Url, restarted);
        TestContext.Out.WriteLine($"server restarted with an empty store: {resync}");
        AssertCoordinatedFromNowOn(restarted.Elapsed);
    }

    [Test]
    public async Task A_bucket_deleted_and_created_again_while_connected_is_resynced_on_every_runtime_within_5s()
    {
        var nodes = await StartNodesAsync(3, RealClock(Server.Url));
        await ShareAsync(nodes, "token", "token-1");
        await using (var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket))
        {
            await probe.DeleteBucketAsync();
            await probe.CreateBucketAsync();
        }

        var recreated = Stopwatch.StartNew();
        var resync = await ResyncAsync(nodes, Server.Url, recreated);
        TestContext.Out.WriteLine($"bucket deleted and created again: {resync}");
        AssertCoordinatedFromNowOn(recreated.Elapsed);
    }

    private ExpirableRuntimeOptions RealClock(string url)
    {
        var options = NodeOptions(TimeProvider.System, url);
        Upstream.Handler = (name, call, ct) => Task.FromResult(Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow + Upstream.Ttl));
        return options;
    }

    private static async Task ShareAsync(IReadOnlyList<ClusterNode> nodes, string name, string value)
    {
        Assert.That(await nodes[0].Expirables.Token.GetAsync(), Is.EqualTo(value));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, name, $"\"{value}\"");
            Assert.That(await node.Expirables.Token.GetAsync(), Is.EqualTo(value));
        }
    }

    /// <summary>
    /// From the moment the stream is lost: the bucket is back, every runtime drops what the new bucket does not
    /// hold, serves the new bucket's values, and sees a clear made in it; returns the figures.
    /// </summary>
    private async Task<string> ResyncAsync(IReadOnlyList<ClusterNode> nodes, string url, Stopwatch since)
    {
        await using var probe = await NatsProbe.ConnectAsync(url, Bucket);
        await WaitUntilAsync(() => probe.ExistsAsync().GetAwaiter().GetResult(), "the bucket exists again", Goal);
        var bucketBack = since.Elapsed;
        var dropped = new List<TimeSpan>();
        foreach (var node in nodes)
        {
            await WaitForReplicaAsync(node.Cluster, ClusterNode.Key("token"), s => s.Envelope?.HasValue != true, Goal);
            dropped.Add(since.Elapsed);
        }

        // The new bucket's values: one coordinated fetch, served everywhere.
        var fresh = await nodes[1].Expirables.Token.GetAsync();
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "token", $"\"{fresh}\"");
            Assert.That(await node.Expirables.Token.GetAsync(), Is.EqualTo(fresh));
        }

        var servedNew = since.Elapsed;

        // A clear in the new bucket reaches every runtime.
        await nodes[2].Expirables.Token.ClearAsync();
        foreach (var node in nodes)
        {
            await WaitForRemovalAsync(node, "token");
        }

        var cleared = since.Elapsed;
        Assert.That(cleared, Is.LessThan(Goal), "every runtime serves the new bucket's values and clears within 5 s");
        Assert.That((await probe.InfoAsync()).Config.MaxMsgsPerSubject, Is.EqualTo(1), "created again as it was");
        return $"bucket back after {bucketBack.TotalMilliseconds:F0} ms; replicas resynced (old values dropped) after {string.Join("/", dropped.Select(d => d.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms; " +
               $"new value served everywhere after {servedNew.TotalMilliseconds:F0} ms; a clear seen everywhere after {cleared.TotalMilliseconds:F0} ms";
    }

    private void AssertCoordinatedFromNowOn(TimeSpan resyncedAt)
    {
        // Every fetch after the resync was coordinated: the token was fetched twice in all (before and after), nothing ran uncoordinated.
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
        Assert.That(Logs.Matching("without cluster coordination"), Is.Empty);
        TestContext.Out.WriteLine($"no uncoordinated fetch; {Upstream.Calls("token")} fetches of the token in all (resynced {resyncedAt.TotalMilliseconds:F0} ms after the loss)");
    }
}
