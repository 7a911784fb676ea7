using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Cluster.Tests.Nodes;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Faults;

/// <summary>
/// A loopback TCP proxy between the lease holder and NATS: acknowledgements (everything the server
/// sends the holder, its watcher's deliveries too) arrive later than <c>NatsCallTimeout</c>, or the
/// holder is partitioned longer than its lease. The waiter talks to NATS directly. A compare-and-set
/// chain of renewals can outlast a delay below half the lease (each renewal needs the revision of the
/// one before): 1.5 s here, with a 5 s lease and a 1 s call timeout.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class AckDelayTests : MultiNodeTestBase
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AckDelay = CallTimeout * 1.5;

    private TcpProxy _proxy = null!;
    private ClusterNode _holder = null!;
    private ClusterNode _waiter = null!;

    [SetUp]
    public async Task StartHolderBehindProxyAsync()
    {
        _proxy = Track(TcpProxy.Start(Server.Port));
        _holder = await StartNodeAsync("holder", Options(_proxy.Url));
        _waiter = await StartNodeAsync("waiter", Options(Server.Url));
    }

    [Test]
    public async Task The_claims_acknowledgement_arriving_late_neither_duplicates_the_fetch_nor_makes_the_waiter_wait_a_lease()
    {
        var release = Gate();
        _proxy.ServerToClientDelay = AckDelay;
        var holding = _holder.Expirables.Token.GetAsync().AsTask();
        await WaitForReplicaAsync(_waiter.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);
        var waiting = _waiter.Expirables.Token.GetAsync().AsTask();
        await Upstream.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        release.SetResult();

        var value = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        var waited = clock.Elapsed;
        Assert.That(await holding.WaitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(value));
        _proxy.ServerToClientDelay = TimeSpan.Zero;
        await AssertSettledAsync(value, fetches: 1, $"claim acked {AckDelay.TotalMilliseconds} ms late: waiter had the value {waited.TotalMilliseconds:F0} ms after the fetch ended");
        Assert.That(waited, Is.LessThan(Lease), "the waiter does not wait a whole lease");
    }

    [Test]
    public async Task Renewals_acknowledged_late_keep_the_lease_with_its_holder()
    {
        var release = Gate();
        var holding = _holder.Expirables.Token.GetAsync().AsTask();
        var claimed = await WaitForReplicaAsync(_waiter.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);
        var waiting = _waiter.Expirables.Token.GetAsync().AsTask();

        // Every renewal lands, and its acknowledgement comes after the call's deadline; the fetch runs for two leases.
        _proxy.ServerToClientDelay = AckDelay;
        var clock = Stopwatch.StartNew();
        await WaitForReplicaAsync(_waiter.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease?.Token == claimed.Envelope!.Lease!.Token && clock.Elapsed > Lease * 2, TimeSpan.FromSeconds(30));
        var renewals = _waiter.Cluster.Replicas.Get(ClusterNode.Key("token")).Revision - claimed.Revision;
        release.SetResult();

        var value = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(await holding.WaitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(value));
        _proxy.ServerToClientDelay = TimeSpan.Zero;
        await AssertSettledAsync(value, fetches: 1, $"renewals acked {AckDelay.TotalMilliseconds} ms late for {clock.Elapsed.TotalSeconds:F1} s: {renewals} renewals landed, no takeover");
    }

    [Test]
    public async Task The_final_writes_acknowledgement_arriving_late_does_not_hold_up_the_waiters()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            await release.Task;
            _proxy.ServerToClientDelay = AckDelay; // from the final write on
            return Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5));
        };
        var holding = _holder.Expirables.Token.GetAsync().AsTask();
        await WaitForReplicaAsync(_waiter.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);
        var waiting = _waiter.Expirables.Token.GetAsync().AsTask();
        await WaitUntilAsync(() => _waiter.Cluster.WaitingCalls == 1, "the waiter waits for the holder's lease");
        var clock = Stopwatch.StartNew();
        release.SetResult();

        var value = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        var waiterTook = clock.Elapsed;
        Assert.That(await holding.WaitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(value));
        var holderTook = clock.Elapsed;
        _proxy.ServerToClientDelay = TimeSpan.Zero;
        await AssertSettledAsync(value, fetches: 1, $"final write acked {AckDelay.TotalMilliseconds} ms late: the waiter had the value {waiterTook.TotalMilliseconds:F0} ms after the fetch ended, the holder's caller {holderTook.TotalMilliseconds:F0} ms");
        Assert.That(waiterTook, Is.LessThan(CallTimeout), "the waiter serves the value as soon as it lands");
    }

    [Test]
    public async Task A_holder_partitioned_longer_than_its_lease_makes_at_most_one_duplicate_fetch_and_then_serves_the_buckets_value()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            if (call == 1)
            {
                _proxy.Partition();
                await release.Task;
            }

            return Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5));
        };
        var holding = _holder.Expirables.Token.GetAsync().AsTask();
        await WaitForReplicaAsync(_waiter.Cluster, ClusterNode.Key("token"), s => s.Envelope?.Lease is not null);
        var clock = Stopwatch.StartNew();

        // The waiter takes over once the unrenewed lease lapses and fetches itself: the one duplicate.
        var takenOver = await _waiter.Expirables.Token.GetAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        var waited = clock.Elapsed;
        Assert.That(takenOver, Is.EqualTo("token-2"));

        _proxy.Heal();
        release.SetResult();
        var holderGot = await holding.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(holderGot, Is.EqualTo("token-2"), "the fenced holder's callers get the bucket's value");
        await AssertSettledAsync("token-2", fetches: 2, $"holder partitioned past its {Lease.TotalSeconds} s lease: the waiter took over after {waited.TotalMilliseconds:F0} ms; 1 duplicate fetch");
    }

    private ExpirableRuntimeOptions Options(string url)
    {
        var options = NodeOptions(TimeProvider.System, url);
        options.NatsCallTimeout = CallTimeout;
        options.LeaseDuration = Lease;
        return options;
    }

    /// <summary>The first fetch waits for the returned gate; later ones answer at once.</summary>
    private TaskCompletionSource Gate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Upstream.Handler = async (name, call, ct) =>
        {
            if (call == 1)
            {
                await gate.Task;
            }

            return Fetched.Ok($"{name}-{call}", DateTimeOffset.UtcNow.AddMinutes(5));
        };
        return gate;
    }

    /// <summary>Both processes serve the bucket's value, the bucket holds no lease, and the upstream saw <paramref name="fetches"/> calls.</summary>
    private async Task AssertSettledAsync(string value, int fetches, string figures)
    {
        TestContext.Out.WriteLine(figures);
        await WaitForValueAsync(_holder, "token", $"\"{value}\"");
        Assert.That(await _holder.Expirables.Token.GetAsync(), Is.EqualTo(value), "the holder converged on the bucket's value");
        Assert.That(await _waiter.Expirables.Token.GetAsync(), Is.EqualTo(value));
        await using var probe = await NatsProbe.ConnectAsync(Server.Url, Bucket);
        var stored = await probe.ReadAsync(ClusterNode.Key("token"));
        Assert.That(stored.Text, Does.Contain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\"{value}\""))).And.Not.Contain("\"lease\""), "the bucket holds the value and no lease");
        Assert.That(Upstream.Calls("token"), Is.EqualTo(fetches), figures);
        Assert.That(Logs.Lines.Where(l => l.Contains("without cluster coordination", StringComparison.Ordinal)), Is.Empty, "no fetch ran uncoordinated");
    }
}
