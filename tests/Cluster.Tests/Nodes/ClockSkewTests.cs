using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>Hosts whose clocks disagree (each runtime on its own fake clock).</summary>
[TestFixture]
internal sealed class ClockSkewTests : MultiNodeTestBase
{
    private static readonly TimeSpan Ahead = TimeSpan.FromSeconds(50);

    [Test]
    public async Task A_host_whose_clock_runs_ahead_does_not_strip_a_value_other_hosts_still_hold_valid()
    {
        var fastClock = new FakeTimeProvider(Time.GetUtcNow() + Ahead);
        var fastLogs = new Infrastructure.RecordingLoggerFactory();
        var fastOptions = NodeOptions(fastClock);
        fastOptions.LoggerFactory = fastLogs;
        var a = await StartNodeAsync("a");
        var fast = await StartNodeAsync("fast", fastOptions);
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "valid for 60 s by a's clock");
        await WaitForValueAsync(fast, "token", "\"token-1\"");
        Assert.That(await fast.Expirables.Token.GetAsync(), Is.EqualTo("token-1"), "still 10 s left by the fast clock");

        // 15 s on: expired by the fast clock, 45 s left by a's. The fast host refreshes, and that refresh fails.
        Time.Advance(TimeSpan.FromSeconds(15));
        fastClock.Advance(TimeSpan.FromSeconds(15));
        Upstream.Handler = (name, call, ct) => Task.FromResult(Fetched.Failed<string>("upstream 503"));
        Assert.That((await fast.Expirables.Token.FetchAsync()).IsOk, Is.False);

        // The bucket still holds token-1: a host on a's clock that starts now reads it without fetching.
        Upstream.Handler = null;
        var late = await StartNodeAsync("late");
        Assert.That(await late.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(await a.Expirables.Token.GetAsync(), Is.EqualTo("token-1"));
        Assert.That(Upstream.Calls("token"), Is.EqualTo(2), "the fast host's failed refresh, and nothing else");
        Assert.That(fastLogs.Matching("This host's clock differs from the NATS server's").Count(), Is.EqualTo(1), "the fast host says so, once");
    }
}
