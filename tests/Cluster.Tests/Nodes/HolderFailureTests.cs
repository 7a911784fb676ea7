using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>A node that dies while it holds the lease (in-process: its connection drops without releasing).</summary>
[TestFixture]
internal sealed class HolderFailureTests : MultiNodeTestBase
{
    [Test]
    public async Task When_the_lease_holder_dies_mid_fetch_another_node_completes_within_lease_plus_1s()
    {
        var lease = TimeSpan.FromSeconds(2);
        var options = NodeOptions(TimeProvider.System);
        options.LeaseDuration = lease;
        var a = await StartNodeAsync("a", options);
        var b = await StartNodeAsync("b", options);
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            if (call == 1)
            {
                await hang.Task.WaitAsync(ct); // a's fetch never returns
            }

            return Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5));
        };

        var dying = a.Expirables.Token.FetchAsync().AsTask();
        await Upstream.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForReplicaAsync(b.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);

        // b's caller arrives while a holds the lease, then a dies.
        var waiting = b.Expirables.Token.GetAsync().AsTask();
        await a.KillAsync();
        var clock = Stopwatch.StartNew();
        var value = await waiting.WaitAsync(TimeSpan.FromSeconds(15));
        clock.Stop();

        TestContext.Out.WriteLine($"b got its value {clock.Elapsed.TotalMilliseconds:F0} ms after a died (lease {lease.TotalMilliseconds} ms)");
        Assert.That(value, Is.EqualTo("token-2"));
        Assert.That(clock.Elapsed, Is.LessThan(lease + TimeSpan.FromSeconds(1)));
        Assert.That((await dying).IsOk, Is.False, "the dead node's own caller got a failure, not a hang");
        hang.TrySetResult();
    }
}
