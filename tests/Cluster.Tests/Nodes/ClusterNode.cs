using System;
using System.Threading.Tasks;
using ExpirableStore.Internal.Cluster;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>One "process" of a cluster: its own runtime (public ConnectAsync), its own NATS connection, its own generated class.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private ClusterNode(string name, ExpirableRuntime runtime, NatsExpirableStore store, NodeExpirables expirables)
    {
        Name = name;
        Runtime = runtime;
        Store = store;
        Expirables = expirables;
    }

    public string Name { get; }

    public ExpirableRuntime Runtime { get; }

    /// <summary>The NATS store under the runtime's cluster scope.</summary>
    public NatsExpirableStore Store { get; }

    public ClusterStore Cluster => Store.Cluster ?? throw new InvalidOperationException("The node's store has not started (or was abandoned).");

    public NodeExpirables Expirables { get; }

    public static async Task<ClusterNode> StartAsync(string name, ExpirableRuntimeOptions options)
    {
        var runtime = await ExpirableRuntime.ConnectAsync(options);
        var store = runtime.StoreFor(ExpirableScope.Cluster) as NatsExpirableStore
            ?? throw new InvalidOperationException("ConnectAsync with a NATS URL did not use the NATS store.");
        return new ClusterNode(name, runtime, store, new NodeExpirables(runtime));
    }

    /// <summary>The bucket key of an expirable of <see cref="NodeExpirables"/> under the default key prefix (this application's name).</summary>
    public static string Key(string name) => ClusterStoreOptions.ResolveKeyPrefix(null) + ".ExpirableStore.Cluster.Tests.Nodes.NodeExpirables." + name;

    /// <summary>Dies without releasing anything: the connection drops, leases stay until they lapse.</summary>
    public async Task KillAsync()
    {
        await Store.AbandonAsync();
        await Runtime.DisposeAsync();
    }

    public ValueTask DisposeAsync() => Runtime.DisposeAsync();
}
