using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes.V2;

/// <summary>Keyed and stateful expirables across runtimes sharing one bucket on a real nats-server.</summary>
[TestFixture]
internal sealed class KeyedStatefulClusterTests : MultiNodeTestBase
{
    private static readonly string[] AppleBanana = ["apple", "banana"];
    private static readonly string[] Rt12 = ["rt-1", "rt-2"];
    private static readonly string[] Rt7 = ["rt-7"];
    private static readonly string[] RtOneTwoTwo = ["rt-1", "rt-2", "rt-2"];

    private V2Upstream _upstream = null!;

    [SetUp]
    public void NewUpstream() => _upstream = new V2Upstream(Time);

    [Test]
    public async Task Keyed_values_are_replicated_per_key()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        Assert.That(await a.Module.TenantToken.GetAsync("apple"), Is.EqualTo("apple-1"));
        Assert.That(await a.Module.TenantToken.GetAsync("banana"), Is.EqualTo("banana-1"));

        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("tenant_token.apple"), s => s.Envelope?.Data is not null);
        Assert.That(await b.Module.TenantToken.GetAsync("apple"), Is.EqualTo("apple-1"));
        Assert.That(await b.Module.TenantToken.GetAsync("banana"), Is.EqualTo("banana-1"));
        Assert.That(_upstream.TokenCalls.Order(), Is.EqualTo(AppleBanana));
    }

    [Test]
    public async Task Three_runtimes_with_sixty_callers_on_three_keys_fetch_exactly_three_times([Values(1, 2)] int iteration)
    {
        var nodes = new[] { await NodeAsync("a"), await NodeAsync("b"), await NodeAsync("c") };
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Gate = _ => release.Task;
        var keys = new[] { "k1", "k2", "k3" };
        var callers = nodes.SelectMany(node => Enumerable.Range(0, 60).Select(i => Task.Run(async () => await node.Module.TenantToken.GetAsync(keys[i % 3])))).ToArray();

        await WaitUntilAsync(() => _upstream.TokenCalls.Count >= 3, "one fetch per key started");
        release.SetResult();
        var values = await Task.WhenAll(callers);

        Assert.That(_upstream.TokenCalls.Order(), Is.EqualTo(keys));
        Assert.That(values.Distinct().Order(), Is.EqualTo(keys.Select(k => k + "-1")));
    }

    [Test]
    public async Task Clear_of_one_key_reaches_every_node_and_spares_the_others()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.TenantToken.GetAsync("apple");
        await a.Module.TenantToken.GetAsync("banana");
        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("tenant_token.banana"), s => s.Envelope?.Data is not null);
        Assert.That(await b.Module.TenantToken.GetAsync("apple"), Is.EqualTo("apple-1"));

        await a.Module.TenantToken.ClearAsync("apple");

        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("tenant_token.apple"), s => s.Kind == ReplicaKind.Deleted);
        Assert.That(await b.Module.TenantToken.GetAsync("apple"), Is.EqualTo("apple-2"));
        Assert.That(await b.Module.TenantToken.GetAsync("banana"), Is.EqualTo("banana-1"));
    }

    [Test]
    public async Task Clear_all_of_a_keyed_expirable_and_of_the_module_reach_every_node()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.TenantToken.GetAsync("apple");
        await a.Module.TenantToken.GetAsync("banana");
        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("tenant_token.banana"), s => s.Envelope?.Data is not null);

        await b.Module.TenantToken.ClearAllAsync();
        await WaitForReplicaAsync(a.Node.Cluster, ClusterV2Expirables.Key("tenant_token.apple"), s => s.Kind == ReplicaKind.Deleted);
        await WaitForReplicaAsync(a.Node.Cluster, ClusterV2Expirables.Key("tenant_token.banana"), s => s.Kind == ReplicaKind.Deleted);
        Assert.That(await a.Module.TenantToken.GetAsync("apple"), Is.EqualTo("apple-2"));

        await b.Module.ClearAllAsync();
        await WaitForReplicaAsync(a.Node.Cluster, ClusterV2Expirables.Key("tenant_token.apple"), s => s.Kind == ReplicaKind.Deleted);
        Assert.That(await a.Module.TenantToken.GetAsync("apple"), Is.EqualTo("apple-3"));
    }

    [Test]
    public async Task Runtime_keys_are_written_as_one_nats_safe_token()
    {
        var a = await NodeAsync("a");
        Assert.That(await a.Module.TenantToken.GetAsync("acme.example com/é"), Is.EqualTo("acme.example com/é-1"));

        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var stored = await probe.ReadAsync(ClusterV2Expirables.Key("tenant_token.acme_2Eexample_20com_2F_E9"));
        Assert.That(stored.Exists, Is.True);
    }

    [Test]
    public async Task The_state_travels_with_the_value()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.Oauth.PutStateAsync("rt-1");
        Assert.That(await a.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-1"));

        Time.Advance(_upstream.Ttl);
        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("oauth"), s => s.Envelope?.StateVersion >= 2);
        Assert.That(await b.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-2"), "node b's refresh received the refresh token node a's fetch returned");
        Assert.That(_upstream.Presented, Is.EqualTo(Rt12));
    }

    [Test]
    public async Task Refreshing_at_once_on_three_runtimes_uses_each_refresh_token_exactly_once_in_order()
    {
        var nodes = new[] { await NodeAsync("a"), await NodeAsync("b"), await NodeAsync("c") };
        var tenant = Guid.NewGuid();
        await nodes[0].Module.TenantOauth.PutStateAsync(tenant, "rt-1");
        foreach (var node in nodes)
        {
            await WaitForReplicaAsync(node.Node.Cluster, TenantKey(tenant), s => s.Envelope?.State is not null);
        }

        for (var round = 1; round <= 4; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var callers = nodes.SelectMany(node => Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await node.Module.TenantOauth.FetchAsync(tenant);
            }))).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(callers);

            Assert.That(outcomes.Select(o => o.IsOk ? o.Value : "failed: " + o.Error).Distinct(), Is.EqualTo(new[] { $"at-rt-{round}" }), "round " + round);
            Time.Advance(_upstream.Ttl);
        }

        var prefix = tenant.ToString("N")[..6] + ":";
        Assert.That(_upstream.Presented, Is.EqualTo(Enumerable.Range(1, 4).Select(n => $"{prefix}rt-{n}")));
        Assert.That(_upstream.Reused, Is.EqualTo(0));
    }

    [Test]
    public async Task A_required_state_put_on_one_node_is_seen_by_the_others()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        Assert.That((await b.Module.Oauth.FetchAsync()).Failure, Is.EqualTo(FetchFailure.StateRequired));

        await a.Module.Oauth.PutStateAsync("rt-7");

        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("oauth"), s => s.Envelope?.State is not null);
        await WaitUntilAsync(() => b.Module.Oauth.Core.State is not null, "node b applied the state");
        Assert.That(await b.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-7"));
        Assert.That(_upstream.Presented, Is.EqualTo(Rt7));
    }

    [Test]
    public async Task Update_state_on_two_nodes_at_once_loses_neither_update()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.Oauth.PutStateAsync("rt-0");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var updates = new[] { a, b }.SelectMany(node => Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            await node.Module.Oauth.UpdateStateAsync(s => "rt-" + (int.Parse(s!.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture) + 1));
        }))).ToArray();
        start.SetResult();
        await Task.WhenAll(updates);

        Assert.That(await a.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-20"));
    }

    [Test]
    public async Task A_clear_removes_value_and_state_everywhere()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.Oauth.PutStateAsync("rt-1");
        await a.Module.Oauth.GetAsync();
        await WaitUntilAsync(() => b.Module.Oauth.Core.State is not null, "node b has the state");

        await a.Module.Oauth.ClearAsync();

        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("oauth"), s => s.Kind == ReplicaKind.Deleted);
        Assert.That((await b.Module.Oauth.FetchAsync()).Failure, Is.EqualTo(FetchFailure.StateRequired));
        Assert.That((await a.Module.Oauth.FetchAsync()).Failure, Is.EqualTo(FetchFailure.StateRequired));
    }

    [Test]
    public async Task Invalidating_a_stateful_value_keeps_the_state_in_the_bucket()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.Oauth.PutStateAsync("rt-1");
        var token = await a.Module.Oauth.GetAsync();

        Assert.That(await a.Module.Oauth.InvalidateAsync(token), Is.True);

        var kept = await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("oauth"), s => s.Envelope is { ValueId: null, State: not null });
        Assert.That(Text(kept.Envelope!.State), Is.EqualTo("\"rt-2\""));
        Assert.That(await b.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-2"));
    }

    [Test]
    public async Task Value_and_state_are_not_in_the_bucket_in_plain_text_with_encryption()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var a = await NodeAsync("a", key);
        var b = await NodeAsync("b", key);
        await a.Module.Oauth.PutStateAsync("rt-SECRET-1");
        Assert.That(await a.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-SECRET-1"));

        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var stored = (await probe.ReadAsync(ClusterV2Expirables.Key("oauth"))).Text;
        Assert.That(stored, Does.Contain("\"box\""));
        foreach (var secret in new[] { "SECRET", "rt-SECRET-2", "at-rt-SECRET-1" })
        {
            Assert.That(stored, Does.Not.Contain(secret));
            Assert.That(stored, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("\"" + secret + "\""))));
        }

        // ... and the other node reads them.
        Time.Advance(_upstream.Ttl);
        await WaitUntilAsync(() => b.Module.Oauth.Core.State is not null, "node b has the state");
        Assert.That(await b.Module.Oauth.GetAsync(), Is.EqualTo("at-rt-SECRET-2"));
    }

    [Test]
    public async Task A_fetch_abandoned_at_its_timeout_writes_its_next_state_when_it_returns()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.SlowOauth.PutStateAsync("rt-1");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Gate = _ => release.Task;
        var waiting = a.Module.SlowOauth.FetchAsync().AsTask();
        await WaitUntilAsync(() => _upstream.Presented.Count == 1, "the fetch started");

        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.That((await waiting).Failure, Is.EqualTo(FetchFailure.TimedOut));
        release.SetResult();

        // The refresh token rt-1 was spent: the bucket must hold the one the late fetch returned.
        var late = await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("slow_oauth"), s => s.Envelope is { Lease: null, Data: not null });
        Assert.That(Text(late.Envelope!.State), Is.EqualTo("\"rt-2\""));
        Assert.That(await b.Module.SlowOauth.GetAsync(), Is.EqualTo("at-rt-1"));
    }

    [Test]
    public async Task When_the_lease_holder_dies_mid_refresh_the_next_refresh_uses_the_state_of_the_last_write_that_landed()
    {
        var (a, b) = (await NodeAsync("a", time: TimeProvider.System), await NodeAsync("b", time: TimeProvider.System));
        await a.Module.Oauth.PutStateAsync("rt-1");
        var first = await a.Module.Oauth.GetAsync();
        Assert.That(await a.Module.Oauth.InvalidateAsync(first), Is.True); // the bucket keeps rt-2, the state that landed

        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hangs = 1;
        _upstream.Gate = ct => Interlocked.Exchange(ref hangs, 0) == 1 ? hang.Task.WaitAsync(ct) : Task.CompletedTask;
        var dying = a.Module.Oauth.FetchAsync().AsTask();
        await WaitUntilAsync(() => _upstream.Presented.Count == 2, "node a presented rt-2");
        await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("oauth"), s => s.Envelope?.Lease is not null);

        var waiting = b.Module.Oauth.GetAsync().AsTask();
        await a.Node.KillAsync();

        Assert.That(await waiting.WaitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo("at-rt-2"));
        Assert.That(_upstream.Presented, Is.EqualTo(RtOneTwoTwo), "node b presented the state of the last write that landed, never an older one");
        Assert.That((await dying).IsOk, Is.False);
        hang.TrySetResult();
    }

    [Test]
    public async Task A_state_put_from_inside_the_running_fetch_does_not_wait_for_itself_and_wins()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await a.Module.Oauth.PutStateAsync("rt-1");
        var once = 1;
        _upstream.Gate = async ct =>
        {
            if (Interlocked.Exchange(ref once, 0) == 1)
            {
                // The user re-authorised while this refresh ran: a newer grant than the one it returns.
                await a.Module.Oauth.PutStateAsync("rt-50", ct);
            }
        };

        var outcome = await a.Module.Oauth.FetchAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.That(outcome.Value, Is.EqualTo("at-rt-1"));
        var landed = await WaitForReplicaAsync(b.Node.Cluster, ClusterV2Expirables.Key("oauth"), s => s.Envelope is { Lease: null, Data: not null });
        Assert.That(Text(landed.Envelope!.State), Is.EqualTo("\"rt-50\""), "the put made while the fetch ran is newer than the state it returned");
        Assert.That(a.Module.Oauth.Core.State?.Value, Is.EqualTo("rt-50"));
    }

    [Test]
    public async Task A_state_put_while_the_server_is_down_fails_within_the_budget_instead_of_hanging()
    {
        var server = Track(await NatsServerProcess.StartAsync());
        var a = await NodeAsync("a", time: TimeProvider.System, url: server.Url);
        await a.Module.Oauth.PutStateAsync("rt-1");

        await server.StopAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var thrown = await Assert.CatchAsync<TimeoutException>(async () => await a.Module.Oauth.PutStateAsync("rt-9").AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.That(thrown!.Message, Does.Contain("could not be written"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(a.Module.Oauth.Core.State?.Value, Is.EqualTo("rt-1"), "the state this process holds is the one the bucket has");
    }

    [Test]
    public async Task A_module_refuses_a_cluster_key_type_the_bucket_cannot_encode_when_constructed()
    {
        var a = await NodeAsync("a");
        var definition = new ExpirableDefinition("by_double", "ByDouble", "string", "double", null, false, ExpirableScope.Cluster, RefreshMode.Lazy, null, null, "x.expirables", 1);
        var thrown = Assert.Throws<ArgumentException>(() => _ = new DoubleKeyed(a.Node.Runtime, definition));
        Assert.That(thrown!.Message, Does.Contain("cannot encode"));
    }

    private static string TenantKey(Guid tenant) => ClusterV2Expirables.Key("tenant_oauth." + tenant.ToString("D"));

    private async Task<(ClusterNode Node, ClusterV2Expirables Module)> NodeAsync(string name, byte[]? encryptionKey = null, TimeProvider? time = null, string? url = null)
    {
        var options = NodeOptions(time, url);
        options.Services = Track(new ServiceCollection().AddSingleton(_upstream).BuildServiceProvider());
        options.EncryptionKey = encryptionKey;
        var node = await StartNodeAsync(name, options);
        return (node, new ClusterV2Expirables(node.Runtime));
    }

    private sealed class DoubleKeyed : ExpirableModule
    {
        public DoubleKeyed(ExpirableRuntime runtime, ExpirableDefinition definition)
            : base(runtime, "DoubleKeyed", [definition]) =>
            CreateKeyed(definition, ExpirableStore.Fetcher.ForKeyed<double, string>((double d) => Fetched.Forever("x")));
    }
}
