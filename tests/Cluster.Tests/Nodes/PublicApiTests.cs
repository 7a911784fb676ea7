using System;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>The cluster store through the public entry points: ConnectAsync and dependency injection.</summary>
[TestFixture]
internal sealed class PublicApiTests : MultiNodeTestBase
{
    [Test]
    public async Task ConnectAsync_with_a_NATS_url_shares_cluster_scope_through_the_bucket()
    {
        await using var a = await ExpirableRuntime.ConnectAsync(NodeOptions());
        await using var b = await ExpirableRuntime.ConnectAsync(NodeOptions());
        Assert.That(a.IsClustered && b.IsClustered, Is.True);
        var onA = new NodeExpirables(a);
        var onB = new NodeExpirables(b);

        Assert.That(await onA.Token.GetAsync(), Is.EqualTo("token-1"));
        var storeB = (NatsExpirableStore)b.StoreFor(ExpirableScope.Cluster);
        await WaitForReplicaAsync(storeB.Cluster!, ClusterNode.Key("token"), s => s.Envelope?.HasValue == true);
        Assert.That(await onB.Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));
    }

    [Test]
    public async Task ConnectAsync_fails_when_no_server_answers()
    {
        var options = NodeOptions(url: "nats://127.0.0.1:1");
        options.NatsCallTimeout = TimeSpan.FromSeconds(1);
        await Assert.CatchAsync<Exception>(async () => await ExpirableRuntime.ConnectAsync(options));
    }

    [Test]
    public async Task A_runtime_started_while_NATS_is_unreachable_fetches_cluster_values_locally_by_default()
    {
        var options = NodeOptions(url: "nats://app:s3cret-pass@127.0.0.1:1");
        options.NatsCallTimeout = TimeSpan.FromSeconds(1);
        await using var runtime = ExpirableRuntime.Start(options);
        var expirables = new NodeExpirables(runtime);

        var startFailure = await Assert.CatchAsync<Exception>(async () => await runtime.WaitUntilReadyAsync());
        Assert.That(startFailure!.ToString(), Does.Not.Contain("s3cret-pass"), "credentials in the URL are never shown");

        var fetched = await expirables.Token.FetchAsync();
        Assert.That(fetched.IsOk, Is.True, fetched.Error);
        Assert.That(fetched.Value, Is.EqualTo("token-1"));
        Assert.That(await expirables.Token.GetAsync(), Is.EqualTo("token-1"), "cached locally");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_runtime_started_while_NATS_is_unreachable_joins_the_cluster_when_the_server_comes_up()
    {
        var port = NatsServerProcess.FreePort();
        var options = NodeOptions(url: $"nats://127.0.0.1:{port}");
        options.NatsCallTimeout = TimeSpan.FromSeconds(1);
        await using var runtime = ExpirableRuntime.Start(options);
        var expirables = new NodeExpirables(runtime);
        await Assert.CatchAsync<Exception>(async () => await runtime.WaitUntilReadyAsync());
        Assert.That(await expirables.Token.GetAsync(), Is.EqualTo("token-1"), "fetched alone meanwhile");

        await using var server = await NatsServerProcess.StartAsync(port);
        var store = (NatsExpirableStore)runtime.StoreFor(ExpirableScope.Cluster);
        await store.Joined.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(Logs.Matching("after starting while NATS was unreachable").Any(), Is.True);

        // From now on it coordinates: one fetch for it and a node that connected normally.
        var other = await ClusterNode.StartAsync("other", NodeOptions(url: server.Url));
        await using (other)
        {
            Assert.That(await expirables.EagerToken.GetAsync(), Is.EqualTo("eager_token-1"));
            await WaitForReplicaAsync(other.Cluster, ClusterNode.Key("eager_token"), s => s.Envelope?.HasValue == true);
            Assert.That(await other.Expirables.EagerToken.GetAsync(), Is.EqualTo("eager_token-1"));
            Assert.That(Upstream.Calls("eager_token"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_runtime_started_while_NATS_is_unreachable_fails_cluster_fetches_when_asked_to()
    {
        var options = NodeOptions(url: "nats://127.0.0.1:1");
        options.NatsCallTimeout = TimeSpan.FromSeconds(1);
        options.WhenClusterUnreachable = ClusterUnreachableFetchMode.Fail;
        await using var runtime = ExpirableRuntime.Start(options);
        var expirables = new NodeExpirables(runtime);

        var fetched = await expirables.Token.FetchAsync();

        Assert.That(fetched.IsOk, Is.False);
        Assert.That(Upstream.Calls("token"), Is.Zero);
        Assert.That(await expirables.LocalToken.GetAsync(), Is.EqualTo("local_token-1"), "scope local never depends on NATS");
    }

    [Test]
    public async Task Dependency_injection_registers_a_clustered_runtime()
    {
        await using var provider = Container(o => o.NatsUrl = Server.Url);
        var runtime = provider.GetRequiredService<ExpirableRuntime>();
        await runtime.WaitUntilReadyAsync();
        Assert.That(runtime.IsClustered, Is.True);
        Assert.That(await provider.GetRequiredService<NodeExpirables>().Token.GetAsync(), Is.EqualTo("token-1"));

        var other = await StartNodeAsync("other");
        Assert.That(await other.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "the DI runtime shared it");
    }
}
