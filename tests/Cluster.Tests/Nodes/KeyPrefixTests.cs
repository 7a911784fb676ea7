using System;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>The key prefix: which processes share values, and what each one watches.</summary>
[TestFixture]
internal sealed class KeyPrefixTests : MultiNodeTestBase
{
    [Test]
    public async Task Applications_with_their_own_prefix_do_not_share_and_processes_with_the_same_prefix_do()
    {
        var billing1 = await StartNodeAsync("billing-1", Prefixed("billing"));
        var billing2 = await StartNodeAsync("billing-2", Prefixed("billing"));
        var shipping = await StartNodeAsync("shipping", Prefixed("shipping"));

        Assert.That(await billing1.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForReplicaAsync(billing2.Cluster, "billing." + NodeKey("token"), s => s.Envelope?.HasValue == true);
        Assert.That(await billing2.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "same prefix: shared");
        Assert.That(await shipping.Expirables.Token.GetAsync(), Is.EqualTo("token-2"), "another prefix: another application's value");
        Assert.That(shipping.Cluster.Replicas.Keys.Where(k => k.StartsWith("billing.", StringComparison.Ordinal)), Is.Empty, "not even watched");

        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        Assert.That((await probe.ReadAsync("billing." + NodeKey("token"))).Exists, Is.True);
        Assert.That((await probe.ReadAsync("shipping." + NodeKey("token"))).Exists, Is.True);
    }

    [Test]
    public void The_default_prefix_is_the_applications_own_name_and_an_empty_prefix_is_the_whole_bucket()
    {
        var options = NodeOptions();
        Assert.That(ClusterStoreOptions.From(options).KeyPrefix, Is.EqualTo(System.Reflection.Assembly.GetEntryAssembly()!.GetName().Name));
        options.KeyPrefix = string.Empty;
        Assert.That(ClusterStoreOptions.From(options).KeyPrefix, Is.Empty);
        options.KeyPrefix = "team a*";
        Assert.That(ClusterStoreOptions.From(options).KeyPrefix, Is.EqualTo("team=0020a=002A"), "escaped like keys: no wildcard ever reaches a filter");
        options.KeyPrefix = "a..b";
        Assert.Throws<ArgumentException>(() => ExpirableRuntime.Start(options).Dispose());
    }

    private static string NodeKey(string name) => "ExpirableStore.Cluster.Tests.Nodes.NodeExpirables." + name;

    private ExpirableRuntimeOptions Prefixed(string prefix)
    {
        var options = NodeOptions();
        options.KeyPrefix = prefix;
        return options;
    }
}
