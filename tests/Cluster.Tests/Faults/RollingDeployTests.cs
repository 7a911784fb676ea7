using System;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Cluster.Tests.Nodes;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Faults;

/// <summary>
/// Two deployments side by side during a rollout, differing in replicas, lease length or encryption keys:
/// the bucket's configuration stays, nobody evicts the other's values back and forth, and no lease is left.
/// (Servers with a lower <c>max_payload</c> and users limited to the bucket's keys: <see cref="BucketOwnershipTests"/>.)
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class RollingDeployTests : MultiNodeTestBase
{
    [Test]
    public async Task Runtimes_with_different_replicas_share_the_bucket_the_first_created_and_leave_it_as_it_is()
    {
        var cluster = Track(await NatsClusterProcesses.StartAsync());
        var newDeploy = NodeOptions(TimeProvider.System, cluster.Urls);
        newDeploy.Replicas = 3;
        var a = await StartWithRetryAsync("a", newDeploy);
        await using var probe = await NatsProbe.ConnectAsync(cluster.Urls, Bucket);
        var created = (await probe.InfoAsync()).Config;
        Assert.That(created.NumReplicas, Is.EqualTo(3));

        var oldDeploy = NodeOptions(TimeProvider.System, cluster.Urls); // Replicas left at its default, 1
        var b = await StartWithRetryAsync("b", oldDeploy);
        Upstream.Handler = (name, call, ct) => Task.FromResult(Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await WaitForValueAsync(b, "token", "\"token-1\"");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        await b.Expirables.Token.ClearAsync();
        await WaitForRemovalAsync(a, "token");
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        await WaitForValueAsync(a, "token", "\"token-2\"");

        var after = (await probe.InfoAsync()).Config;
        Assert.That((after.NumReplicas, after.MaxMsgsPerSubject, after.Storage), Is.EqualTo((created.NumReplicas, created.MaxMsgsPerSubject, created.Storage)), "the bucket's configuration is unchanged");
        Assert.That(Logs.Matching("replicas 3 (options: 1)").Count(), Is.EqualTo(1), "the old deployment says what differs, once");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
        await AssertNoLeaseLeftAsync(probe);
    }

    [Test]
    public async Task Runtimes_with_different_lease_lengths_honour_the_length_each_lease_carries()
    {
        var longLease = NodeOptions();
        longLease.LeaseDuration = TimeSpan.FromSeconds(6);
        var shortLease = NodeOptions();
        shortLease.LeaseDuration = TimeSpan.FromSeconds(2);
        var a = await StartNodeAsync("a", longLease);
        var b = await StartNodeAsync("b", shortLease);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            if (call == 1)
            {
                await release.Task;
            }

            return Fetched.Ok($"{name}-{call}", Time.GetUtcNow() + Upstream.Ttl);
        };

        var holding = a.Expirables.Token.GetAsync().AsTask();
        await WaitForReplicaAsync(b.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);
        var waiting = b.Expirables.Token.GetAsync().AsTask();
        await WaitUntilAsync(() => b.Cluster.WaitingCalls == 1, "b waits for a's lease");

        // Longer than b's own lease, shorter than a's: b keeps waiting for a.
        Time.Advance(TimeSpan.FromSeconds(3));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1), "b did not take a 6 s lease over after 3 s");
        release.SetResult();
        Assert.That(await waiting.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("token-1"));
        Assert.That(await holding.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("token-1"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));
        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        await AssertNoLeaseLeftAsync(probe);
    }

    [Test]
    public async Task A_key_rotation_with_previous_keys_reads_old_entries_without_refetching_and_never_evicts_back_and_forth()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var oldDeploy = Keys(oldKey);
        var a = await StartNodeAsync("a", oldDeploy);
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));

        // Step 1 of the rollout: the new key encrypts, the old one still decrypts.
        var b = await StartNodeAsync("b", Keys(newKey, oldKey));
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "an old entry is read without refetching");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(1));

        // The value expires; the new deployment refreshes it under the new key. The old one cannot read that:
        // it fetches for itself once, and leaves the bucket's value alone.
        Time.Advance(Upstream.Ttl);
        Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var refreshed = (await probe.ReadAsync(ClusterNode.Key("token"))).Text;
        for (var access = 0; access < 5; access++)
        {
            Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-3"));
            Assert.That(await b.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        }

        Assert.That(Upstream.Calls("token"), Is.EqualTo(3), "no eviction back and forth");
        Assert.That((await probe.ReadAsync(ClusterNode.Key("token"))).Text, Is.EqualTo(refreshed));

        // Step 2: every process on the new key (old key still accepted), then step 3: the old key dropped.
        var upgraded = await StartNodeAsync("a2", Keys(newKey, oldKey));
        var done = await StartNodeAsync("c", Keys(newKey));
        Assert.That(await upgraded.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(await done.Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(3));
        await AssertNoLeaseLeftAsync(probe);
    }

    private static async Task AssertNoLeaseLeftAsync(NatsProbe probe)
    {
        var entries = await probe.ReadAllAsync();
        Assert.That(entries.Where(e => e.Value.Contains("\"lease\"", StringComparison.Ordinal)).Select(e => e.Key), Is.Empty, "no lease left behind");
    }

    private ExpirableRuntimeOptions Keys(byte[] current, params byte[][] previous)
    {
        var options = NodeOptions();
        options.EncryptionKey = current;
        options.PreviousEncryptionKeys = previous;
        return options;
    }

    private async Task<ClusterNode> StartWithRetryAsync(string name, ExpirableRuntimeOptions options)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await StartNodeAsync(name, options);
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200); // a fresh cluster elects its meta leader
            }
        }
    }
}
