using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using NATS.Client.Core;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Buckets and servers an operator set up: their configuration, their users, their limits.</summary>
[TestFixture]
internal sealed class BucketOwnershipTests : MultiNodeTestBase
{
    [Test]
    public async Task Connecting_keeps_an_operators_bucket_configuration_and_warns_what_differs()
    {
        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        await probe.CreateBucketAsync(replicas: 1, history: 5, maxAge: TimeSpan.FromHours(1), maxBytes: 10 * 1024 * 1024);
        var before = (await probe.InfoAsync()).Config;

        var a = await StartNodeAsync("a");
        var b = await StartNodeAsync("b");
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));

        var after = (await probe.InfoAsync()).Config;
        Assert.That(after.MaxMsgsPerSubject, Is.EqualTo(5), "history kept");
        Assert.That(after.MaxAge, Is.EqualTo(TimeSpan.FromHours(1)), "max age kept");
        Assert.That(after.MaxBytes, Is.EqualTo(10 * 1024 * 1024), "max bytes kept");
        Assert.That(after.NumReplicas, Is.EqualTo(before.NumReplicas));
        var warnings = Logs.Matching("history 5").ToArray();
        Assert.That(warnings, Has.Length.EqualTo(2), "each process warns once");
        Assert.That(warnings[0], Does.Contain("max age").And.Contain("max bytes"));
    }

    [Test]
    public async Task A_bucket_JetStream_refuses_to_create_fails_the_connect_with_the_servers_reason()
    {
        // A single server cannot place a replicated stream: JetStream answers with an error (not a missing
        // permission, which goes unanswered), and the user is told what the server said.
        var options = NodeOptions();
        options.Replicas = 3;

        var thrown = await Assert.CatchAsync<InvalidOperationException>(async () => await ExpirableRuntime.ConnectAsync(options));

        Assert.That(thrown!.Message, Does.Contain(Bucket).And.Contain("JetStream did not create it").And.Contain("JetStream error 10074"));
        Assert.That(thrown.Message, Does.Not.Contain("may not create"));
    }

    [Test]
    public async Task A_user_that_may_only_use_the_buckets_keys_runs_the_whole_protocol()
    {
        const string BucketName = "leastprivilege";
        var permissions = string.Join(", ", new[]
        {
            $"\"$KV.{BucketName}.>\"",
            $"\"$JS.API.STREAM.INFO.KV_{BucketName}\"",
            $"\"$JS.API.STREAM.MSG.GET.KV_{BucketName}\"",
            $"\"$JS.API.CONSUMER.CREATE.KV_{BucketName}.>\"",
            $"\"$JS.API.CONSUMER.DELETE.KV_{BucketName}.>\"",
            $"\"$JS.FC.KV_{BucketName}.>\"",
        });
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: $$"""
            authorization {
              users = [
                { user: admin, password: admin }
                { user: app, password: app, permissions: { publish: { allow: [ {{permissions}} ] }, subscribe: { allow: [ "_INBOX.>" ] } } }
              ]
            }
            """));
        await using (var admin = await NatsProbe.ConnectAsync(server.Url, BucketName, NatsAuthOpts.Default with { Username = "admin", Password = "admin" }))
        {
            await admin.CreateBucketAsync();
        }

        var options = NodeOptions(url: server.Url);
        options.Bucket = BucketName;
        options.User = "app";
        options.Password = "app";
        var a = await StartNodeAsync("a", options);
        var b = await StartNodeAsync("b", options);

        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "shared");
        await b.Expirables.Token.ClearAsync();
        await WaitForRemovalAsync(a, "token");
        Time.Advance(Upstream.Ttl);
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_value_above_the_servers_max_payload_is_served_to_its_own_process_and_nobody_waits_for_its_lease()
    {
        var server = Track(await NatsServerProcess.StartAsync(extraConfig: "max_payload: 65536"));
        var options = NodeOptions(TimeProvider.System, server.Url);
        options.LeaseDuration = TimeSpan.FromSeconds(6);
        var a = await StartNodeAsync("a", options);
        var b = await StartNodeAsync("b", options);
        var big = new string('x', 100_000); // above max_payload, below the 256 KiB envelope limit
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            if (call == 1)
            {
                await release.Task.WaitAsync(ct);
            }

            return Fetched.Ok(big, DateTimeOffset.UtcNow.AddMinutes(5));
        };

        var holder = a.Expirables.Token.GetAsync().AsTask();
        await WaitForReplicaAsync(b.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);
        var waiter = b.Expirables.Token.GetAsync().AsTask();
        var clock = Stopwatch.StartNew();
        release.SetResult();

        Assert.That(await holder.WaitAsync(TimeSpan.FromSeconds(20)), Has.Length.EqualTo(big.Length), "a's callers get the value");
        Assert.That(await waiter.WaitAsync(TimeSpan.FromSeconds(20)), Has.Length.EqualTo(big.Length), "b fetched its own");
        TestContext.Out.WriteLine($"b had its value {clock.Elapsed.TotalMilliseconds:F0} ms after a's fetch ended (lease {options.LeaseDuration.TotalSeconds} s)");
        Assert.That(clock.Elapsed, Is.LessThan(options.LeaseDuration / 2), "b did not wait for a lease nobody renews");
        await using var probe = await NatsProbe.ConnectAsync(server.Url, Bucket);
        Assert.That((await probe.ReadAsync(ClusterNode.Key("token"))).Text, Does.Not.Contain("\"lease\""), "no lease left behind");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
    }
}
