using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>
/// "Got 401, invalidate, get again" across a cluster, through the store seam: the core compares the
/// caller's stale value with its cached one and hands the store the cached entry's origin; the store
/// deletes only while the bucket still holds that write.
/// </summary>
[TestFixture]
internal sealed class CompareAndClearTests : MultiNodeTestBase
{
    [Test]
    public async Task Fifty_callers_on_three_runtimes_invalidating_the_token_they_got_and_getting_again_cause_one_refetch()
    {
        var nodes = await StartNodesAsync(3);
        Assert.That(await nodes[0].Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "token", "\"token-1\"");
        }

        // Every caller got token-1 and the upstream rejects it (401): each does what docs/runtime.md says,
        // invalidate what it got and get again, until the upstream accepts what it has.
        var first = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => nodes[i % 3].Expirables.Token.GetAsync().AsTask()));
        Assert.That(first, Is.All.EqualTo("token-1"));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rounds = 0;
        var callers = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            var token = nodes[i % 3].Expirables.Token;
            var held = first[i];
            await go.Task;
            for (var attempt = 0; held == "token-1" && attempt < 3; attempt++)
            {
                Interlocked.Increment(ref rounds);
                await token.InvalidateAsync(held);
                held = await token.GetAsync();
            }

            return held;
        })).ToArray();
        go.SetResult();
        var values = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(20));

        TestContext.Out.WriteLine($"50 callers on 3 runtimes rejecting token-1: {Upstream.Calls("token") - 1} refetch, {rounds} invalidate-and-get rounds");
        Assert.That(values, Is.All.EqualTo("token-2"), "every caller ends up with the one new token");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2), "one refetch in the cluster");
    }

    [Test]
    public async Task Fifty_callers_on_three_runtimes_rejecting_the_same_token_cause_exactly_one_refetch()
    {
        var nodes = await StartNodesAsync(3);
        Assert.That(await nodes[0].Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        foreach (var node in nodes)
        {
            await WaitForValueAsync(node, "token", "\"token-1\"");
            Assert.That(await node.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        }

        var origins = nodes.Select(node => node.Expirables.Token.Entry!.Origin).ToArray();
        Assert.That(origins, Has.All.Not.Null, "every runtime knows which bucket write its value is");
        using var go = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            go.Wait();
            var node = nodes[i % 3];
            return await node.Store.InvalidateAsync(node.Expirables.Token.Core, origins[i % 3], CancellationToken.None);
        })).ToArray();
        go.Set();
        var removed = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(removed.Count(r => r), Is.EqualTo(1), "one compare-and-clear removed the token; the others found it gone");

        foreach (var node in nodes)
        {
            await WaitForRemovalAsync(node, "token");
        }

        var values = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => await nodes[i % 3].Expirables.Token.GetAsync()))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(values, Is.All.EqualTo("token-2"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2), "one refetch in the cluster");

        // A caller still holding the first token cannot clear the newer one.
        var stale = await nodes[1].Store.InvalidateAsync(nodes[1].Expirables.Token.Core, origins[1], CancellationToken.None);
        Assert.That(stale, Is.False);
        Assert.That(await nodes[2].Expirables.Token.GetAsync(), Is.EqualTo("token-2"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2));
    }
}
