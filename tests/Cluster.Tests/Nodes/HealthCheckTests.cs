using System;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>ExpirableStoreHealthCheck, registered as an application registers it, against a real nats-server.</summary>
[TestFixture]
internal sealed class HealthCheckTests : MultiNodeTestBase
{
    [Test]
    public async Task The_health_check_follows_the_connection_to_NATS()
    {
        var server = Track(await NatsServerProcess.StartAsync());
        await using var provider = Services(server.Url, ClusterUnreachableFetchMode.FetchLocally);
        var runtime = provider.GetRequiredService<ExpirableRuntime>();
        await runtime.WaitUntilReadyAsync();

        var healthy = await CheckAsync(provider);
        Assert.That(healthy.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(healthy.Data["cluster_state"], Is.EqualTo("Connected"));
        Assert.That(healthy.Data["bucket"], Is.EqualTo(Bucket));

        await server.StopAsync();
        await WaitUntilAsync(() => runtime.ClusterState == ExpirableClusterState.Unreachable, "the runtime notices the outage");
        var degraded = await CheckAsync(provider);
        Assert.That(degraded.Status, Is.EqualTo(HealthStatus.Degraded), "values are still served and fetched locally");
        Assert.That(degraded.Description, Does.Contain("unreachable"));

        await server.StartAsync();
        await WaitUntilAsync(() => runtime.ClusterState == ExpirableClusterState.Connected, "the runtime reconnects");
        Assert.That((await CheckAsync(provider)).Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public async Task Unreachable_at_startup_with_Fail_is_unhealthy_names_no_credential_and_heals_when_the_server_comes_up()
    {
        var port = NatsServerProcess.FreePort();
        await using var provider = Services($"nats://app:s3cret-pass@127.0.0.1:{port}", ClusterUnreachableFetchMode.Fail);
        var runtime = provider.GetRequiredService<ExpirableRuntime>();
        await Assert.CatchAsync<Exception>(async () => await runtime.WaitUntilReadyAsync());

        var unhealthy = await CheckAsync(provider);
        Assert.That(unhealthy.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(unhealthy.Data["cluster_state"], Is.EqualTo("Unreachable"));
        Assert.That(unhealthy.Description + string.Join(",", unhealthy.Data.Values) + unhealthy.Exception, Does.Not.Contain("s3cret-pass").And.Not.Contain("127.0.0.1"));

        var server = Track(await NatsServerProcess.StartAsync(port, extraConfig: "authorization { user: app, password: s3cret-pass }"));
        var store = (Internal.Cluster.NatsExpirableStore)runtime.StoreFor(ExpirableScope.Cluster);
        await store.Joined.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That((await CheckAsync(provider)).Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(server.IsRunning, Is.True);
    }

    [Test]
    public async Task A_runtime_without_NATS_is_healthy_and_a_disposed_one_is_not()
    {
        await using var provider = Container(_ => { }, AddHealthCheck);

        var inProcess = await CheckAsync(provider);
        Assert.That(inProcess.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(inProcess.Data["cluster_state"], Is.EqualTo("InProcess"));

        await provider.GetRequiredService<ExpirableRuntime>().DisposeAsync();
        Assert.That((await CheckAsync(provider)).Status, Is.EqualTo(HealthStatus.Unhealthy));
    }

    private ServiceProvider Services(string url, ClusterUnreachableFetchMode mode) =>
        Container(
            o =>
            {
                o.NatsUrl = url;
                o.NatsCallTimeout = TimeSpan.FromSeconds(1);
                o.WhenClusterUnreachable = mode;
            },
            AddHealthCheck);

    private static void AddHealthCheck(IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<ExpirableStoreHealthCheck>("expirables");

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider) =>
        (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["expirables"];
}
