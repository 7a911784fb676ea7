namespace ExpirableStore;

/// <summary>What a cluster-scoped expirable does when it needs a fetch and NATS cannot be reached.</summary>
public enum ClusterUnreachableFetchMode
{
    /// <summary>Fetch in this process (availability first); the value is not shared until NATS is back.</summary>
    FetchLocally = 0,

    /// <summary>Return a failed fetch.</summary>
    Fail = 1,
}
