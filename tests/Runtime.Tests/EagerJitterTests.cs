using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// On a shared bucket, N processes x M keys with one expiry must not claim their leases at the same
/// instant: a cluster-scoped eager refresh starts at a random moment up to 10 % of its margin (at most
/// 30 s) early, never later than ExpiresAt - d. In-process values refresh exactly at ExpiresAt - d.
/// </summary>
public sealed class EagerJitterTests
{
    private const int ClusterKeys = 200;
    private const int LocalKeys = 20;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Test]
    public async Task Cluster_eager_refreshes_spread_over_the_tenth_before_the_window_and_local_ones_start_on_it()
    {
        var time = new FakeTimeProvider(Start);
        await using var runtime = ExpirableRuntime.StartWith(new ExpirableRuntimeOptions { TimeProvider = time }, _ => new PassThroughStore());
        var expiresAt = Start.AddSeconds(60);
        var refreshedAt = new ConcurrentDictionary<string, DateTimeOffset>();
        var definitions = Enumerable.Range(0, ClusterKeys + LocalKeys)
            .Select(i => new ExpirableDefinition(
                (i < ClusterKeys ? "cluster_" : "local_") + i, "K" + i, "string",
                i < ClusterKeys ? ExpirableScope.Cluster : ExpirableScope.Local,
                RefreshMode.Eager, Margin, null, "Jitter.expirables", i + 1))
            .ToArray();
        var module = new InlineModule(runtime, definitions);
        var expirables = definitions.Select(def => module.Add(def, Fetcher.For(() =>
        {
            if (time.GetUtcNow() > Start)
            {
                refreshedAt.TryAdd(def.Name, time.GetUtcNow());
            }

            // Every process received the same value from the bucket: one expiry for all keys.
            return Fetched.Ok(def.Name, time.GetUtcNow() > Start ? expiresAt.AddMinutes(10) : expiresAt);
        }))).ToArray();
        foreach (var expirable in expirables)
        {
            await expirable.GetAsync();
        }

        while (time.GetUtcNow() < expiresAt - Margin)
        {
            time.Advance(Step);
            await Task.WhenAll(expirables.Select(e => e.Core.WhenIdleAsync()));
        }

        Assert.That(refreshedAt, Has.Count.EqualTo(ClusterKeys + LocalKeys), "every value is refreshed by ExpiresAt - d");
        var windowOpens = expiresAt - Margin;
        var cluster = definitions.Take(ClusterKeys).Select(d => refreshedAt[d.Name]).ToArray();
        Assert.That(cluster, Has.All.InRange(windowOpens - TimeSpan.FromSeconds(3), windowOpens));
        Assert.That(cluster.Distinct().Count(), Is.GreaterThanOrEqualTo(20), "cluster refreshes all started together");
        Assert.That(definitions.Skip(ClusterKeys).Select(d => refreshedAt[d.Name]), Has.All.EqualTo(windowOpens));
    }
}
