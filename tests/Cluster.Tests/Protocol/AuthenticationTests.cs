using System;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NATS.NKeys;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

/// <summary>Credentials against servers that require them (each test starts its own server).</summary>
[TestFixture]
internal sealed class AuthenticationTests : ClusterTestBase
{
    [Test]
    public async Task User_and_password()
    {
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: "authorization { user: app, password: s3cret }"));
        await AssertConnectsAsync(Options(url: server.Url, configure: o => (o.User, o.Password) = ("app", "s3cret")));
        await AssertRejectedAsync(Options(url: server.Url, configure: o => (o.User, o.Password) = ("app", "wrong")));
    }

    [Test]
    public async Task Token()
    {
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: "authorization { token: t0ken-abc }"));
        await AssertConnectsAsync(Options(url: server.Url, configure: o => o.Token = "t0ken-abc"));
        await AssertRejectedAsync(Options(url: server.Url, configure: o => o.Token = "nope"));
    }

    [Test]
    public async Task NKey_seed()
    {
        using var user = KeyPair.CreatePair(PrefixByte.User);
        using var other = KeyPair.CreatePair(PrefixByte.User);
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: $"authorization {{ users: [ {{ nkey: {user.GetPublicKey()} }} ] }}"));
        await AssertConnectsAsync(Options(url: server.Url, configure: o => o.NKeySeed = user.GetSeed()));
        await AssertRejectedAsync(Options(url: server.Url, configure: o => o.NKeySeed = other.GetSeed()));
    }

    private async Task AssertConnectsAsync(ClusterStoreOptions options)
    {
        var store = await ConnectAsync(options);
        var result = await store.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("v"), null)));
        Assert.That(result.Stored, Is.True);
    }

    private static async Task AssertRejectedAsync(ClusterStoreOptions options)
    {
        var attempt = ClusterStore.ConnectAsync(options with { ConnectTimeout = TimeSpan.FromSeconds(5) }).AsTask();
        var error = await Assert.CatchAsync<Exception>(() => attempt);
        TestContext.Out.WriteLine($"rejected: {error!.GetType().Name}: {error.Message}");
    }
}
