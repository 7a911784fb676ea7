using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

/// <summary>Stops and restarts the server (same port, same File store), so each test has its own.</summary>
[TestFixture]
internal sealed class ServerRestartTests : ClusterTestBase
{
    [SetUp]
    public async Task OwnServerAsync()
    {
        // The shared server of the base class stays up; these tests restart one of their own.
        Restartable = Track(await NatsServerProcess.StartAsync());
    }

    private NatsServerProcess Restartable { get; set; } = null!;

    [Test]
    public async Task Outage_serves_replicas_reports_unreachable_without_waiting_and_resyncs_after_restart()
    {
        var options = Options("a", Restartable.Url);
        var a = await ConnectAsync(options);
        var b = await ConnectAsync(options with { NodeName = "b" });
        await a.FetchAsync("valid", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("v"), DateTimeOffset.UtcNow.AddMinutes(10))));
        await WaitForReplicaAsync(b, "valid", s => s.Envelope?.HasValue == true);

        await Restartable.StopAsync();
        await WaitUntilAsync(() => !b.IsConnected, "b notices the disconnect");

        // During the outage: unexpired values keep being served; a needed fetch falls back.
        Assert.That(b.TryGetValue("valid", out var served) && Text(served.Data) == "v", Is.True);
        var clock = Stopwatch.StartNew();
        var missing = await b.FetchAsync("missing", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("local"), null)));
        Assert.That(clock.Elapsed, Is.LessThan(options.ReconnectGrace + TimeSpan.FromSeconds(1)), "no waiting on a dead server beyond the reconnect grace");
        // What then happens (fetch here or fail) is the runtime store's choice: OutageTests.
        Assert.That(missing.Source, Is.EqualTo(ClusterFetchSource.Unreachable));
        Assert.That(missing.Failure, Does.Contain("not connected"));

        await Restartable.StartAsync();
        var restarted = Stopwatch.StartNew();

        // A write on a after the restart reaches b's replica: the watcher resumed.
        await WaitUntilAsync(() => a.IsConnected, "a reconnects");
        var write = await a.FetchAsync("after", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("fresh"), null)));
        Assert.That(write.Stored, Is.True);
        await WaitForReplicaAsync(b, "after", s => Text(s.Envelope?.Data) == "fresh", TimeSpan.FromSeconds(5));
        TestContext.Out.WriteLine($"replicas fresh {restarted.Elapsed.TotalMilliseconds:F0} ms after the restart");
        Assert.That(restarted.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(b.TryGetValue("valid", out _), Is.True, "the File store kept the bucket");
    }

}
