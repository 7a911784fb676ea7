using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Cluster.Tests.Nodes;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Benchmarks;

/// <summary>
/// Many runtimes and keys on one bucket beside another application's keys, eager refresh. CI runs a reduced
/// form (3 runtimes x 100 keys, 6 s validity); the full measurement of docs/benchmarks.md (10 runtimes x
/// 1,000 keys beside 1,000 of another application, 30 s validity) runs with
/// <c>EXPIRABLES_SCALE=full dotnet test tests/Cluster.Tests -c Release --filter Name~Scale --logger "console;verbosity=detailed"</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ClusterScaleMeasurement : ClusterTestBase
{
    private static readonly bool Full = Environment.GetEnvironmentVariable("EXPIRABLES_SCALE") == "full";
    private static readonly int RuntimeCount = Full ? 10 : 3;
    private static readonly int KeyCount = Full ? 1000 : 100;
    private static readonly int OtherKeyCount = Full ? 1000 : 100;
    private static readonly TimeSpan Validity = Full ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(6);
    private static readonly TimeSpan EagerBefore = Validity / 3;
    private const int Cycles = 2;

    [Test]
    public async Task Scale_many_runtimes_and_keys_beside_another_application_fetch_once_per_key_per_cycle()
    {
        var fetches = new ConcurrentDictionary<int, ConcurrentQueue<DateTimeOffset>>();
        Task<Fetched<string>> Fetch(int key, CancellationToken ct)
        {
            var times = fetches.GetOrAdd(key, _ => new ConcurrentQueue<DateTimeOffset>());
            times.Enqueue(DateTimeOffset.UtcNow);
            return Task.FromResult(Fetched.Ok($"v{key}-{times.Count}", DateTimeOffset.UtcNow + Validity));
        }

        // Another application on the same bucket, refreshing its own keys all along.
        var other = Track(await ExpirableRuntime.ConnectAsync(Options("otherapp")));
        var otherKeys = new ManyKeys(other, "Other.App", OtherKeyCount, (key, ct) => Task.FromResult(Fetched.Ok($"o{key}", DateTimeOffset.UtcNow + Validity)), EagerBefore);
        await Task.WhenAll(otherKeys.Keys.Select(k => k.GetAsync().AsTask()));

        var runtimes = new List<ExpirableRuntime>();
        var modules = new List<ManyKeys>();
        var connectTimes = new List<double>();
        for (var i = 0; i < RuntimeCount; i++)
        {
            var clock = Stopwatch.StartNew();
            var runtime = Track(await ExpirableRuntime.ConnectAsync(Options("scale")));
            connectTimes.Add(clock.Elapsed.TotalMilliseconds);
            runtimes.Add(runtime);
            modules.Add(new ManyKeys(runtime, "Scale.App", KeyCount, Fetch, EagerBefore));
        }

        var stores = runtimes.Select(r => ((NatsExpirableStore)r.StoreFor(ExpirableScope.Cluster)).Cluster!).ToArray();
        var propagation = new ConcurrentQueue<(int Runtime, string Key, string ValueId, long At)>();
        for (var i = 0; i < stores.Length; i++)
        {
            var runtime = i;
            stores[i].Replicas.Changed += state =>
            {
                if (state.Envelope?.ValueId is { } id && state.Envelope.Lease is null)
                {
                    propagation.Enqueue((runtime, state.Key, id, Stopwatch.GetTimestamp()));
                }
            };
        }

        // Every key fetched once (by the first runtime), read by all.
        await Task.WhenAll(modules[0].Keys.Select(k => k.GetAsync().AsTask()));
        foreach (var module in modules.Skip(1))
        {
            await Task.WhenAll(module.Keys.Select(k => k.GetAsync().AsTask()));
        }

        Assert.That(fetches.Values.Sum(q => q.Count), Is.EqualTo(KeyCount), "one fetch per key to start with");

        // A late joiner: connect-and-snapshot time and the memory its replicas take per key.
        var (joinMs, bytesPerKey, joinedKeys) = await MeasureLateJoinerAsync();

        // Eager cycles: every runtime's timers fire inside the window; one refresh per key per cycle.
        var deliveriesBefore = stores.Select(s => s.Watcher.Deliveries).ToArray();
        var claimsBefore = stores.Sum(s => s.ClaimAttempts);
        var cycleClock = Stopwatch.StartNew();
        await WaitUntilAsync(() => fetches.Values.All(q => q.Count >= 1 + Cycles), $"{Cycles} eager cycles", Validity * (Cycles + 2));
        var cyclesTook = cycleClock.Elapsed;
        var refreshes = KeyCount * Cycles;
        var perWatcher = stores.Select((s, i) => (double)(s.Watcher.Deliveries - deliveriesBefore[i])).ToArray();
        var claims = stores.Sum(s => s.ClaimAttempts) - claimsBefore;

        var spacing = Validity - EagerBefore;
        var duplicates = fetches.Values.Sum(q =>
        {
            var times = q.ToArray();
            return times.Zip(times.Skip(1)).Count(pair => pair.Second - pair.First < spacing / 2);
        });
        var delays = PropagationDelays(propagation.ToArray());
        var otherSeen = stores.Sum(s => s.Replicas.Keys.Count(k => k.StartsWith("otherapp.", StringComparison.Ordinal)));

        var figures = string.Create(CultureInfo.InvariantCulture,
            $"{RuntimeCount} runtimes x {KeyCount} keys beside {OtherKeyCount} keys of another application, {Validity.TotalSeconds} s validity, eager {EagerBefore.TotalSeconds} s: " +
            $"{Cycles} cycles in {cyclesTook.TotalSeconds:F1} s; fetches per key per cycle 1 ({duplicates} extra); " +
            $"NATS messages per refresh seen by each watcher {perWatcher.Average() / refreshes:F2} (min {perWatcher.Min() / refreshes:F2}, max {perWatcher.Max() / refreshes:F2}); " +
            $"CAS claim attempts per refresh {(double)claims / refreshes:F2} ({claims} in all); other application's keys replicated {otherSeen}; " +
            $"connect-and-snapshot: first {connectTimes[0]:F0} ms, late joiner with {joinedKeys} keys {joinMs:F0} ms; watcher memory {bytesPerKey:F0} B per key; " +
            $"replica propagation over {delays.Length} updates p50 {Percentile(delays, 0.5):F2} ms, p99 {Percentile(delays, 0.99):F2} ms, max {delays[^1]:F2} ms");
        TestContext.Out.WriteLine(figures);

        Assert.That(duplicates, Is.Zero, "one fetch per key per cycle in the whole cluster");
        Assert.That(otherSeen, Is.Zero, "another application's keys are never replicated");
        Assert.That(joinedKeys, Is.EqualTo(KeyCount));
    }

    private ExpirableRuntimeOptions Options(string prefix) => new()
    {
        NatsUrl = Server.Url,
        Bucket = Bucket,
        KeyPrefix = prefix,
        NatsCallTimeout = TimeSpan.FromSeconds(5),
    };

    private async Task<(double Milliseconds, double BytesPerKey, int Keys)> MeasureLateJoinerAsync()
    {
        // The same connection, watcher and runtime with no keys, then with this application's keys: the difference is the replicas.
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var empty = Track(await ExpirableRuntime.ConnectAsync(Options("nothing-here")));
        var withoutKeys = GC.GetTotalMemory(forceFullCollection: true) - baseline;

        baseline = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var joiner = Track(await ExpirableRuntime.ConnectAsync(Options("scale")));
        var took = clock.Elapsed.TotalMilliseconds;
        var withKeys = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        var keys = ((NatsExpirableStore)joiner.StoreFor(ExpirableScope.Cluster)).Cluster!.Replicas.Keys.Count;
        GC.KeepAlive(empty);
        return (took, (double)(withKeys - withoutKeys) / Math.Max(1, keys), keys);
    }

    /// <summary>For every value: from the first runtime that had it (the writer, at its acknowledgement) to each other runtime.</summary>
    private static double[] PropagationDelays((int Runtime, string Key, string ValueId, long At)[] seen) =>
        seen.GroupBy(s => (s.Key, s.ValueId))
            .SelectMany(group =>
            {
                var first = group.Min(s => s.At);
                return group.GroupBy(s => s.Runtime).Select(r => Stopwatch.GetElapsedTime(first, r.Min(s => s.At)).TotalMilliseconds).Where(ms => ms > 0);
            })
            .Order()
            .ToArray();

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
