using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>The seed library's multi-node tests, with runtimes on separate NATS connections as the nodes.</summary>
[TestFixture]
internal sealed class MultiNodeTests : MultiNodeTestBase
{
    [Test]
    public async Task Value_fetched_on_one_node_is_replicated_to_the_others()
    {
        var (a, b) = await TwoNodesAsync();
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");

        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        var fetched = await b.Expirables.Token.FetchAsync();
        Assert.That(fetched.ExpiresAt, Is.EqualTo(Time.GetUtcNow() + Upstream.Ttl).Within(TimeSpan.FromMilliseconds(1)), "the envelope keeps milliseconds");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));
    }

    [Test]
    public async Task Updates_are_synchronised_across_nodes()
    {
        var (a, b) = await TwoNodesAsync();
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");

        Time.Advance(Upstream.Ttl + TimeSpan.FromSeconds(1));
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        await WaitForValueAsync(b, "token", "\"token-2\"");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
    }

    [Test]
    public async Task Failures_are_not_stored()
    {
        var (a, b) = await TwoNodesAsync();
        Upstream.Handler = (name, call, ct) => Task.FromResult(call == 1 ? Fetched.Failed<string>("upstream 503") : Fetched.Ok($"{name}-{call}", Time.GetUtcNow() + Upstream.Ttl));

        var failed = await a.Expirables.Token.FetchAsync();
        Assert.That(failed.IsOk, Is.False);
        Assert.That(failed.Error, Is.EqualTo("upstream 503"));
        Assert.That(a.Cluster.TryGetValue(ClusterNode.Key("token"), out _), Is.False);

        // Once b's replica has seen the released lease (a caller of b arriving earlier would have
        // waited for a's fetch and got its failure), b's next access fetches again.
        await WaitForReplicaAsync(b.Cluster, ClusterNode.Key("token"), s => s.Envelope is { Lease: null, FailedLease: not null });

        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"), "the next access, on any node, fetches again");
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-2").Or.EqualTo("token-3"));
    }

    [Test]
    public async Task Clear_on_one_node_clears_all_nodes()
    {
        var (a, b) = await TwoNodesAsync();
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));

        await b.Expirables.Token.ClearAsync();
        await WaitForRemovalAsync(a, "token");

        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-2"), "a fetches after the clear");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
    }

    [Test]
    public async Task Concurrent_refresh_after_expiry_on_all_nodes_fetches_exactly_once()
    {
        var nodes = await StartNodesAsync(3);
        Assert.That(await nodes[0].Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "token", "\"token-1\"");
        }

        Time.Advance(Upstream.Ttl);
        var callers = Enumerable.Range(0, 300).Select(i => Task.Run(async () => await nodes[i % 3].Expirables.Token.GetAsync())).ToArray();
        var values = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(values.All(v => v == "token-2"), Is.True, string.Join(",", values.Distinct()));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2), "one fetch in the whole cluster");
    }

    [Test]
    public async Task Eager_refresh_happens_once_in_the_cluster_and_updates_every_replica()
    {
        var nodes = await StartNodesAsync(3);
        Assert.That(await nodes[0].Expirables.EagerToken.GetAsync(), Is.EqualTo("eager_token-1"));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "eager_token", "\"eager_token-1\"");
            Assert.That(await node.Expirables.EagerToken.GetAsync(), Is.EqualTo("eager_token-1"));
        }

        // Into the 30 s eager window: every node's timer fires; the lease lets one refresh.
        Time.Advance(Upstream.Ttl - TimeSpan.FromSeconds(29));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "eager_token", "\"eager_token-2\"");
        }

        foreach (var node in nodes)
        {
            Assert.That(await node.Expirables.EagerToken.GetAsync(), Is.EqualTo("eager_token-2"));
        }

        Assert.That(Upstream.Calls("eager_token"), Is.EqualTo(2), "one eager refresh per cycle in the cluster");

        // The other nodes' timers re-armed from the value they received: the next cycle is one refresh too.
        Time.Advance(Upstream.Ttl - TimeSpan.FromSeconds(29));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "eager_token", "\"eager_token-3\"");
        }

        Assert.That(Upstream.Calls("eager_token"), Is.EqualTo(3));
    }

    [Test]
    public async Task Local_scope_is_not_replicated()
    {
        var (a, b) = await TwoNodesAsync();
        Assert.That(await a.Expirables.LocalToken.GetAsync(), Is.EqualTo("local_token-1"));
        Assert.That(await b.Expirables.LocalToken.GetAsync(), Is.EqualTo("local_token-2"));
        Assert.That((await (await RawBucketAsync()).ReadAsync(ClusterNode.Key("local_token"))).Revision, Is.Zero);
    }

    [Test]
    public async Task Clear_all_clears_every_value_on_every_node()
    {
        var (a, b) = await TwoNodesAsync();
        await a.Expirables.Token.GetAsync();
        await a.Expirables.FxRate.GetAsync();
        await WaitForValueAsync(b, "token", "\"token-1\"");
        await WaitForReplicaAsync(b.Cluster, ClusterNode.Key("fx_rate"), s => s.Envelope?.HasValue == true);

        await b.Expirables.ClearAllAsync();
        await WaitForRemovalAsync(a, "token");
        await WaitForRemovalAsync(a, "fx_rate");

        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(await b.Expirables.FxRate.GetAsync(), Is.EqualTo(1.10m));
    }

    [Test]
    public async Task A_late_joining_node_reads_the_current_value_without_fetching()
    {
        var a = await StartNodeAsync("a");
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(await a.Expirables.FxRate.GetAsync(), Is.EqualTo(1.09m));

        var late = await StartNodeAsync("late");
        Assert.That(await late.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(await late.Expirables.FxRate.GetAsync(), Is.EqualTo(1.09m));
        Assert.That(Upstream.Calls("token") + Upstream.Calls("fx_rate"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_fetch_in_flight_during_a_clear_does_not_resurrect_the_value()
    {
        var (a, b) = await TwoNodesAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return Fetched.Ok($"{name}-{call}", Time.GetUtcNow() + Upstream.Ttl);
        };
        var fetching = a.Expirables.Token.FetchAsync().AsTask();
        await Upstream.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForReplicaAsync(b.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);

        await b.Expirables.Token.ClearAsync();
        await WaitForRemovalAsync(a, "token");
        release.SetResult();

        Assert.That((await fetching.WaitAsync(TimeSpan.FromSeconds(10))).Value, Is.EqualTo("token-1"), "its caller still gets the value");
        Assert.That((await (await RawBucketAsync()).ReadAsync(ClusterNode.Key("token"))).Deleted, Is.True, "the bucket keeps the clear");
        Upstream.Handler = null;
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
    }

    [Test]
    public async Task Cluster_hit_reads_the_replica_only()
    {
        var (a, _) = await TwoNodesAsync();
        await a.Expirables.Token.GetAsync();
        var applied = a.Cluster.Replicas.Get(ClusterNode.Key("token")).Revision;
        for (var i = 0; i < 10_000; i++)
        {
            _ = await a.Expirables.Token.GetAsync();
        }

        Assert.That(a.Cluster.Replicas.Get(ClusterNode.Key("token")).Revision, Is.EqualTo(applied), "no writes");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));
    }

    private async Task<(ClusterNode A, ClusterNode B)> TwoNodesAsync() => (await StartNodeAsync("a"), await StartNodeAsync("b"));
}
