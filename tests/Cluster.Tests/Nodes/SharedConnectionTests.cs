using System;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>A runtime on a NATS connection the application opened (ExpirableRuntimeOptions.NatsConnection).</summary>
[TestFixture]
internal sealed class SharedConnectionTests : MultiNodeTestBase
{
    [Test]
    public async Task A_runtime_on_the_applications_connection_shares_cluster_scope_and_leaves_the_connection_open()
    {
        // Not connected yet: the runtime connects it.
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = Server.Url, Name = "the application" });
        var options = SharedOptions(connection);
        await using (var a = await ExpirableRuntime.ConnectAsync(options))
        {
            await using var b = await ExpirableRuntime.ConnectAsync(NodeOptions());
            Assert.That(a.IsClustered, Is.True);
            var onA = new NodeExpirables(a);
            var onB = new NodeExpirables(b);

            Assert.That(await onA.Token.GetAsync(), Is.EqualTo("token-1"));
            var storeB = (NatsExpirableStore)b.StoreFor(ExpirableScope.Cluster);
            await WaitForReplicaAsync(storeB.Cluster!, ClusterNode.Key("token"), s => s.Envelope?.HasValue == true);
            Assert.That(await onB.Token.GetAsync(), Is.EqualTo("token-1"));
            Assert.That(Upstream.Calls("token"), Is.EqualTo(1), "one fetch for both runtimes");
        }

        // The runtime never disposes the application's connection (a disposed one throws ObjectDisposedException here).
        Assert.That(await connection.PingAsync(), Is.GreaterThanOrEqualTo(TimeSpan.Zero));

        // A second runtime on the same connection finds the value the first one stored.
        await using var again = await ExpirableRuntime.ConnectAsync(SharedOptions(connection));
        Assert.That(await new NodeExpirables(again).Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));
    }

    [Test]
    public async Task The_connection_brings_its_own_credentials()
    {
        // The server wants a token the runtime's options never see.
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: "authorization { token: t0ken-of-the-app }"));
        await using var connection = new NatsConnection(NatsOpts.Default with
        {
            Url = server.Url,
            AuthOpts = NatsAuthOpts.Default with { Token = "t0ken-of-the-app" },
        });
        await connection.ConnectAsync();

        await using var runtime = await ExpirableRuntime.ConnectAsync(SharedOptions(connection));
        Assert.That(await new NodeExpirables(runtime).Token.GetAsync(), Is.EqualTo("token-1"));
        var store = (NatsExpirableStore)runtime.StoreFor(ExpirableScope.Cluster);
        Assert.That(store.Cluster!.IsConnected, Is.True);
    }

    [Test]
    public async Task Dependency_injection_uses_the_registered_connection()
    {
        await using var provider = Container(
            o => o.NatsConnection = o.Services!.GetRequiredService<INatsConnection>(),
            services => services.AddSingleton<INatsConnection>(_ => new NatsConnection(NatsOpts.Default with { Url = Server.Url })));
        var runtime = provider.GetRequiredService<ExpirableRuntime>();
        await runtime.WaitUntilReadyAsync();
        Assert.That(runtime.IsClustered, Is.True);
        Assert.That(await provider.GetRequiredService<NodeExpirables>().Token.GetAsync(), Is.EqualTo("token-1"));

        var other = await StartNodeAsync("other");
        Assert.That(await other.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "the runtime on the registered connection stored it");
    }

    [Test]
    public void A_connection_and_a_url_or_connection_options_together_are_refused()
    {
        var connection = new NatsConnection(NatsOpts.Default with { Url = Server.Url });
        try
        {
            var both = SharedOptions(connection);
            both.NatsUrl = Server.Url;
            Assert.That(Assert.Throws<ArgumentException>(() => ExpirableRuntime.Start(both))!.Message, Does.Contain("not both"));

            var withToken = SharedOptions(connection);
            withToken.Token = "secret";
            withToken.UseTls = true;
            var refused = Assert.Throws<ArgumentException>(() => ExpirableRuntime.Start(withToken))!;
            Assert.That(refused.Message, Does.Contain("Token, UseTls").And.Contain("set them on that connection"));
            Assert.That(refused.Message, Does.Not.Contain("secret"));
        }
        finally
        {
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private ExpirableRuntimeOptions SharedOptions(INatsConnection connection)
    {
        var options = NodeOptions();
        options.NatsUrl = null;
        options.NatsConnection = connection;
        return options;
    }
}
