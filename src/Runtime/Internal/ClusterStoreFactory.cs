namespace ExpirableStore.Internal;

/// <summary>Chooses the store of scope cluster. The one place the NATS store plugs in.</summary>
internal static class ClusterStoreFactory
{
    /// <summary>Creates the cluster store; <paramref name="inProcess"/> tells whether it runs without NATS.</summary>
    public static IExpirableStore Create(ExpirableRuntime runtime, out bool inProcess)
    {
        if (runtime.Options.NatsUrl is null && runtime.Options.NatsConnection is null)
        {
            inProcess = true;
            return new InProcessExpirableStore();
        }

        // The NATS JetStream KV store: src/Runtime/Internal/Cluster/, docs/cluster.md.
        inProcess = false;
        return new Cluster.NatsExpirableStore(Cluster.ClusterStoreOptions.From(runtime.Options, runtime.TimeProvider), runtime.Options.ValueSerializer);
    }
}
