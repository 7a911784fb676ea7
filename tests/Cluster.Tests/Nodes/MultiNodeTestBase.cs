using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Several runtimes (separate NATS connections) as the nodes of a cluster, on one server and a fresh bucket per test.</summary>
internal abstract class MultiNodeTestBase : ClusterTestBase
{
    protected FakeTimeProvider Time { get; private set; } = null!;

    protected Upstream Upstream { get; private set; } = null!;

    protected RecordingLoggerFactory Logs { get; private set; } = null!;

    /// <summary>What the nodes' runtimes hand their fetch methods: the test's <see cref="Upstream"/>.</summary>
    protected ServiceProvider UpstreamServices { get; private set; } = null!;

    [SetUp]
    public void NewCluster()
    {
        Time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Upstream = new Upstream(Time);
        UpstreamServices = Track(new ServiceCollection().AddSingleton(Upstream).BuildServiceProvider());
        Logs = new RecordingLoggerFactory();
    }

    protected ExpirableRuntimeOptions NodeOptions(TimeProvider? time = null, string? url = null) => new()
    {
        NatsUrl = url ?? Server.Url,
        Bucket = Bucket,
        TimeProvider = time ?? Time,
        LeaseDuration = TimeSpan.FromSeconds(2),
        NatsCallTimeout = TimeSpan.FromSeconds(2),
        LoggerFactory = Logs,
        Services = UpstreamServices,
    };

    /// <summary>
    /// A container as an application builds one: logging, the test's upstream, what <paramref name="register"/> adds,
    /// the store on this test's bucket and clock with <paramref name="configure"/> applied, and <see cref="NodeExpirables"/>.
    /// </summary>
    protected ServiceProvider Container(Action<ExpirableRuntimeOptions> configure, Action<IServiceCollection>? register = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(Upstream);
        register?.Invoke(services);
        services.AddExpirableStore(o =>
        {
            o.Bucket = Bucket;
            o.TimeProvider = Time;
            configure(o);
        }).AddExpirables<NodeExpirables>();
        return services.BuildServiceProvider();
    }

    protected async Task<ClusterNode> StartNodeAsync(string name, ExpirableRuntimeOptions? options = null) =>
        Track(await ClusterNode.StartAsync(name, options ?? NodeOptions()));

    protected async Task<IReadOnlyList<ClusterNode>> StartNodesAsync(int count, ExpirableRuntimeOptions? options = null)
    {
        var nodes = new List<ClusterNode>();
        for (var i = 0; i < count; i++)
        {
            nodes.Add(await StartNodeAsync($"node{i}", options));
        }

        return nodes;
    }

    /// <summary>Waits (on replica change signals) until <paramref name="node"/>'s replica of <paramref name="name"/> holds a value decoding to <paramref name="json"/>.</summary>
    protected static Task<ReplicaState> WaitForValueAsync(ClusterNode node, string name, string json) =>
        WaitForReplicaAsync(node.Cluster, ClusterNode.Key(name), s => s.Envelope?.Data is { } data && Text(data) == json);

    protected static Task<ReplicaState> WaitForRemovalAsync(ClusterNode node, string name) =>
        WaitForReplicaAsync(node.Cluster, ClusterNode.Key(name), s => s.Kind == ReplicaKind.Deleted);
}
