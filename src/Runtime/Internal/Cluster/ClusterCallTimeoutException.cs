using System;

namespace ExpirableStore.Internal.Cluster;

/// <summary>A NATS call did not answer within its deadline: its outcome is unknown; re-read before acting.</summary>
internal sealed class ClusterCallTimeoutException : TimeoutException
{
    public ClusterCallTimeoutException()
    {
    }

    public ClusterCallTimeoutException(string message)
        : base(message)
    {
    }

    public ClusterCallTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
