using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>The fetch methods of NodeExpirables.expirables: each asks the runtime's services for the test's <see cref="Upstream"/>.</summary>
public static class NodeSources
{
    public static Task<Fetched<string>> Token(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Upstream>().FetchAsync("token", cancellationToken);

    public static Task<Fetched<string>> EagerToken(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Upstream>().FetchAsync("eager_token", cancellationToken);

    public static Task<Fetched<string>> LocalToken(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Upstream>().FetchAsync("local_token", cancellationToken);

    public static Task<Fetched<decimal>> FxRate(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Upstream>().FetchRateAsync(cancellationToken);

    public static Task<Fetched<string>> SlowToken(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<Upstream>().FetchAsync("slow_token", cancellationToken);
}
