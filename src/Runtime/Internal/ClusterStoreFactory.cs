using System;

namespace ExpirableStore.Internal;

/// <summary>Chooses the store of scope cluster. The one place the NATS store plugs in.</summary>
internal static class ClusterStoreFactory
{
    /// <summary>Creates the cluster store; <paramref name="inProcess"/> tells whether it runs without NATS.</summary>
    public static IExpirableStore Create(ExpirableRuntime runtime, out bool inProcess)
    {
        if (runtime.Options.NatsUrl is null)
        {
            inProcess = true;
            return new InProcessExpirableStore();
        }

        // >>> CLUSTER STORE: issue 5 replaces this throw with `new NatsExpirableStore(runtime)`
        // (src/Runtime/Internal/Cluster/). StartAsync of that store connects; see Internal/README.md.
        throw new NotSupportedException(
            "ExpirableRuntimeOptions.NatsUrl is set, but the NATS cluster store not available yet in this build.");
    }
}
