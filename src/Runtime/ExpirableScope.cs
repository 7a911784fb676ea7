namespace ExpirableStore;

/// <summary>Where a value is shared.</summary>
public enum ExpirableScope
{
    /// <summary>Shared by every process connected to the same NATS JetStream KV bucket; in-process when no NATS is configured.</summary>
    Cluster = 0,

    /// <summary>This process only.</summary>
    Local = 1,
}
