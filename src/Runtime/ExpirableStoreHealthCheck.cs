using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExpirableStore;

/// <summary>
/// A health check of the runtime's cluster scope: register it with
/// <c>services.AddHealthChecks().AddCheck&lt;ExpirableStoreHealthCheck&gt;("expirables")</c>.
/// Healthy when cluster scope runs in-process or is connected; degraded while connecting, and while NATS is
/// unreachable with <see cref="ClusterUnreachableFetchMode.FetchLocally"/> (values are still served and fetched,
/// without coordination); the registration's failure status (default unhealthy) when NATS is unreachable with
/// <see cref="ClusterUnreachableFetchMode.Fail"/> (cluster-scoped fetches fail) or the runtime was disposed.
/// The result names the state and the bucket, never a URL, a credential or an error text.
/// </summary>
/// <param name="runtime">The runtime to report on.</param>
public sealed class ExpirableStoreHealthCheck(ExpirableRuntime runtime) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = runtime.ClusterState;
        var options = runtime.Options;
        var data = new Dictionary<string, object> { ["cluster_state"] = state.ToString() };
        if (state != ExpirableClusterState.InProcess)
        {
            data["bucket"] = options.Bucket;
        }

        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var result = state switch
        {
            ExpirableClusterState.InProcess => HealthCheckResult.Healthy("Cluster scope runs in this process (no NATS configured).", data),
            ExpirableClusterState.Connected => HealthCheckResult.Healthy($"Connected to NATS bucket '{options.Bucket}'.", data),
            ExpirableClusterState.Connecting => HealthCheckResult.Degraded($"Connecting to NATS bucket '{options.Bucket}'.", data: data),
            ExpirableClusterState.Unreachable when options.WhenClusterUnreachable == ClusterUnreachableFetchMode.FetchLocally =>
                HealthCheckResult.Degraded("NATS is unreachable: cluster-scoped values are fetched in this process until it is back.", data: data),
            ExpirableClusterState.Unreachable => new HealthCheckResult(failure, "NATS is unreachable: cluster-scoped fetches fail until it is back.", data: data),
            _ => new HealthCheckResult(failure, "The runtime was disposed.", data: data),
        };
        return Task.FromResult(result);
    }
}
