namespace ExpirableStore;

/// <summary>Where the cluster scope of a runtime stands (<see cref="ExpirableRuntime.ClusterState"/>).</summary>
public enum ExpirableClusterState
{
    /// <summary>No NATS is configured: cluster scope runs in this process.</summary>
    InProcess,

    /// <summary>The first connection to NATS is being made; cluster-scoped fetches wait for it.</summary>
    Connecting,

    /// <summary>Connected to NATS with the bucket's values replicated: cluster-scoped fetches coordinate.</summary>
    Connected,

    /// <summary>
    /// Not connected now: the start failed and is being retried, or the connection dropped and the client is
    /// reconnecting. Replicas keep serving unexpired values; a needed fetch runs as
    /// <see cref="ExpirableRuntimeOptions.WhenClusterUnreachable"/> says.
    /// </summary>
    Unreachable,

    /// <summary>The runtime was disposed.</summary>
    Disposed,
}
