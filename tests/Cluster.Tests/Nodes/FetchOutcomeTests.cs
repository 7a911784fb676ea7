using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Whose outcome a failed or timed-out fetch is, across nodes.</summary>
[TestFixture]
internal sealed class FetchOutcomeTests : MultiNodeTestBase
{
    /// <summary>The seed library's multi-node test "does not store fetch failures", many times over.</summary>
    [Test]
    public async Task A_failed_fetch_is_not_the_outcome_of_a_later_call_on_another_node()
    {
        var a = await StartNodeAsync("a");
        var b = await StartNodeAsync("b");
        var failNext = 1;
        Upstream.Handler = (name, call, ct) => Task.FromResult(Interlocked.Exchange(ref failNext, 0) == 1
            ? Fetched.Failed<string>("upstream 503")
            : Fetched.Ok($"{name}-{call}", Time.GetUtcNow() + Upstream.Ttl));

        const int Rounds = 20;
        for (var round = 0; round < Rounds; round++)
        {
            Volatile.Write(ref failNext, 1);
            var calls = Upstream.Calls("token");
            var failed = await a.Expirables.Token.FetchAsync();
            Assert.That(failed.IsOk, Is.False, $"round {round}: a's fetch fails");

            // b's call comes after a's failure: it fetches, whatever b's replica still shows of a's lease.
            var later = await b.Expirables.Token.FetchAsync();
            Assert.That(later.IsOk, Is.True, $"round {round}: b got a's earlier failure ({later.Error}) instead of fetching");
            Assert.That(Upstream.Calls("token"), Is.EqualTo(calls + 2), $"round {round}");

            await b.Expirables.Token.ClearAsync();
            await WaitForRemovalAsync(a, "token");
        }
    }

    [Test]
    public async Task A_fetch_that_timed_out_keeps_its_lease_until_it_ends_so_the_cluster_makes_no_second_upstream_call()
    {
        var options = NodeOptions(TimeProvider.System);
        options.LeaseDuration = TimeSpan.FromSeconds(3);
        var a = await StartNodeAsync("a", options);
        var b = await StartNodeAsync("b", options);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var mostRunning = 0;
        Upstream.Handler = async (name, call, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostRunning, now);
            try
            {
                // A hanging upstream that ignores its token (the fetch's timeout is 500 ms).
                await release.Task.ConfigureAwait(false);
                return Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5));
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        };

        var timedOut = await a.Expirables.SlowToken.FetchAsync();
        Assert.That(timedOut.IsOk, Is.False);
        Assert.That(timedOut.Error, Does.Contain("timed out"));
        var key = ClusterNode.Key("slow_token");
        var claimed = await WaitForReplicaAsync(b.Cluster, key, s => s.Envelope?.Lease is not null);
        var sinceClaim = Stopwatch.StartNew();

        // While a's abandoned fetch runs, b's callers get the timeout at once instead of a second upstream call.
        var clock = Stopwatch.StartNew();
        var atOnce = await b.Expirables.SlowToken.FetchAsync();
        Assert.That(atOnce.IsOk, Is.False, "no value exists yet");
        Assert.That(clock.Elapsed, Is.LessThan(options.LeaseDuration), "b does not wait for the lease");
        Assert.That(Upstream.Calls("slow_token"), Is.EqualTo(1), "no second upstream call");

        // The lease outlives its duration: a renews it for as long as the fetch really runs.
        await WaitForReplicaAsync(b.Cluster, key, s => sinceClaim.Elapsed > options.LeaseDuration && s.Revision > claimed.Revision + 1 && s.Envelope?.Lease?.Token == claimed.Envelope!.Lease!.Token, TimeSpan.FromSeconds(15));
        Assert.That((await b.Expirables.SlowToken.FetchAsync()).IsOk, Is.False);
        Assert.That(Upstream.Calls("slow_token"), Is.EqualTo(1), "still no second upstream call after a whole lease");

        release.SetResult();
        await WaitForValueAsync(b, "slow_token", "\"slow_token-1\"");
        Assert.That(await b.Expirables.SlowToken.GetAsync(), Is.EqualTo("slow_token-1"), "the late value is shared");
        Assert.That(await a.Expirables.SlowToken.GetAsync(), Is.EqualTo("slow_token-1"));
        Assert.That(Upstream.Calls("slow_token"), Is.EqualTo(1));
        Assert.That(mostRunning, Is.EqualTo(1), "at most one upstream call ran at any time in the cluster");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
