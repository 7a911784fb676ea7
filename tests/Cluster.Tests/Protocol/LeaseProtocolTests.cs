using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Protocol;

[TestFixture]
internal sealed class LeaseProtocolTests : ClusterTestBase
{
    [Test]
    public async Task Concurrent_claims_on_many_nodes_fetch_exactly_once_per_key()
    {
        const int Nodes = 6;
        const int Iterations = 20;
        var stores = new List<ClusterStore>();
        for (var i = 0; i < Nodes; i++)
        {
            stores.Add(await ConnectAsync(Options($"node{i}")));
        }

        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var key = $"race.k{iteration}";
            if (iteration % 2 == 1)
            {
                // Half the rounds race on an update of an expired value, half on a create.
                await stores[0].Bucket.PutAsync(key, stores[0].Codec.Encode(key, Value("old", DateTimeOffset.UtcNow.AddSeconds(-1))), expectedRevision: null, CancellationToken.None);
                foreach (var store in stores)
                {
                    await WaitForReplicaAsync(store, key, s => s.Envelope?.HasValue == true);
                }
            }

            var fetches = 0;
            using var start = new ManualResetEventSlim();
            var calls = stores.Select(store => Task.Run(async () =>
            {
                start.Wait();
                return await store.FetchAsync(key, TimeSpan.Zero, async ct =>
                {
                    Interlocked.Increment(ref fetches);
                    await Task.Yield();
                    return ClusterFetchOutcome.Success(Bytes($"value-{store.NodeName}"), DateTimeOffset.UtcNow.AddMinutes(5));
                });
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.That(fetches, Is.EqualTo(1), $"iteration {iteration}");
            var values = results.Select(r => Text(r.Source == ClusterFetchSource.Bucket ? r.Envelope!.Data : r.Outcome!.Data)).Distinct().ToArray();
            Assert.That(values, Has.Length.EqualTo(1), $"every node got the one fetched value (iteration {iteration})");
            Assert.That(results.Count(r => r.Source == ClusterFetchSource.FetchedHere && r.Stored), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_value_already_in_the_bucket_is_taken_without_fetching()
    {
        var a = await ConnectAsync(Options("a"));
        var b = await ConnectAsync(Options("b"));
        await a.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("v"), null)));
        await WaitForReplicaAsync(b, "k", s => s.Envelope?.HasValue == true);

        var result = await b.FetchAsync("k", TimeSpan.Zero, Fetcher(() => throw new AssertionException("must not fetch")));
        Assert.That(result.Source, Is.EqualTo(ClusterFetchSource.Bucket));
        Assert.That(Text(result.Envelope!.Data), Is.EqualTo("v"));
    }

    [Test]
    public async Task A_holder_whose_lease_was_taken_over_cannot_overwrite_the_newer_value()
    {
        var a = await ConnectAsync(Options("a"));
        var raw = await RawBucketAsync();
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetching = a.FetchAsync("k", TimeSpan.Zero, async ct =>
        {
            fetchStarted.SetResult();
            await releaseFetch.Task;
            return ClusterFetchOutcome.Success(Bytes("stale"), null);
        }).AsTask();
        await fetchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Another process took the lease over and wrote a newer value.
        var current = await raw.ReadAsync("k");
        var newer = await raw.CompareAndSetAsync("k", a.Codec.Encode("k", Value("newer") with { FetchedBy = "b" }), current.Revision);
        Assert.That(newer, Is.Not.Null);
        releaseFetch.SetResult();

        var result = await fetching.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(result.Source, Is.EqualTo(ClusterFetchSource.Bucket), "fenced: the holder's callers get the bucket's value, like everyone");
        Assert.That(Text(result.Envelope!.Data), Is.EqualTo("newer"));
        Assert.That(Text((await raw.ReadEnvelopeAsync("k"))?.Data), Is.EqualTo("newer"));
        await WaitForReplicaAsync(a, "k", s => Text(s.Envelope?.Data) == "newer");
    }

    [Test]
    public async Task A_clear_during_a_fetch_is_not_undone_by_the_fetch()
    {
        var a = await ConnectAsync(Options("a"));
        var b = await ConnectAsync(Options("b"));
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetching = a.FetchAsync("k", TimeSpan.Zero, async ct =>
        {
            fetchStarted.SetResult();
            await releaseFetch.Task;
            return ClusterFetchOutcome.Success(Bytes("resurrected?"), null);
        }).AsTask();
        await fetchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(await b.ClearAsync("k"), Is.True);
        await WaitForReplicaAsync(a, "k", s => s.Kind == ReplicaKind.Deleted);
        releaseFetch.SetResult();

        var result = await fetching.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(result.Stored, Is.False);
        Assert.That(a.TryGetValue("k", out _), Is.False);
        Assert.That(b.TryGetValue("k", out _), Is.False);
        Assert.That((await (await RawBucketAsync()).ReadAsync("k")).Deleted, Is.True);
    }

    [Test]
    public async Task A_waiter_gets_the_holders_value_when_it_is_written()
    {
        var a = await ConnectAsync(Options("a"));
        var b = await ConnectAsync(Options("b"));
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = a.FetchAsync("k", TimeSpan.Zero, async ct =>
        {
            fetchStarted.SetResult();
            await releaseFetch.Task;
            return ClusterFetchOutcome.Success(Bytes("v"), DateTimeOffset.UtcNow.AddMinutes(1));
        }).AsTask();
        await fetchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForReplicaAsync(b, "k", s => s.Envelope?.Lease is not null);

        var waiter = b.FetchAsync("k", TimeSpan.Zero, Fetcher(() => throw new AssertionException("the waiter must not fetch"))).AsTask();
        Assert.That(waiter.IsCompleted, Is.False);
        releaseFetch.SetResult();

        var got = await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(got.Source, Is.EqualTo(ClusterFetchSource.Bucket));
        Assert.That(Text(got.Envelope!.Data), Is.EqualTo("v"));
        Assert.That((await holder).Stored, Is.True);
    }

    [Test]
    public async Task The_lease_is_renewed_while_a_long_fetch_runs()
    {
        var a = await ConnectAsync(Options("a") with { LeaseDuration = TimeSpan.FromMilliseconds(900) });
        var b = await ConnectAsync(Options("b") with { LeaseDuration = TimeSpan.FromMilliseconds(900) });
        var releaseFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = a.FetchAsync("k", TimeSpan.Zero, async ct =>
        {
            await releaseFetch.Task;
            return ClusterFetchOutcome.Success(Bytes("slow"), null);
        }).AsTask();
        var first = await WaitForReplicaAsync(b, "k", s => s.Envelope?.Lease is not null);

        // Several renewals (new revisions of the same lease) arrive while the fetch runs 3 leases long.
        var waiterFetched = 0;
        var waiter = b.FetchAsync("k", TimeSpan.Zero, Fetcher(() =>
        {
            Interlocked.Increment(ref waiterFetched);
            return ClusterFetchOutcome.Success(Bytes("duplicate"), null);
        })).AsTask();
        await WaitForReplicaAsync(b, "k", s => s.Revision >= first.Revision + 3 && s.Envelope?.Lease?.Token == first.Envelope!.Lease!.Token);
        releaseFetch.SetResult();

        var got = await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(waiterFetched, Is.Zero, "a renewed lease never lapses");
        Assert.That(Text(got.Envelope?.Data), Is.EqualTo("slow"));
        Assert.That((await holder).Stored, Is.True);
    }

    [Test]
    public async Task A_dead_holders_lease_lapses_and_another_node_completes_the_fetch_within_lease_plus_1s()
    {
        var lease = TimeSpan.FromSeconds(2);
        var a = await ConnectAsync(Options("a") with { LeaseDuration = lease });
        var b = await ConnectAsync(Options("b") with { LeaseDuration = lease });
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<ClusterFetchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var abandoned = a.FetchAsync("k", TimeSpan.Zero, ct =>
        {
            fetchStarted.SetResult();
            return new ValueTask<ClusterFetchOutcome>(never.Task);
        }).AsTask();
        await fetchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitForReplicaAsync(b, "k", s => s.Envelope?.Lease?.Holder == "a");

        // The holder dies: no renewal, no release.
        await a.AbandonAsync();
        var clock = Stopwatch.StartNew();
        var result = await b.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("b's"), null)))
            .AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        clock.Stop();
        never.TrySetCanceled();

        Assert.That(result.Source, Is.EqualTo(ClusterFetchSource.FetchedHere));
        Assert.That(result.Stored, Is.True);
        Assert.That(clock.Elapsed, Is.LessThan(lease + TimeSpan.FromSeconds(1)));
        TestContext.Out.WriteLine($"takeover after {clock.Elapsed.TotalMilliseconds:F0} ms (lease {lease.TotalMilliseconds} ms)");
    }

    [Test]
    public async Task A_failed_fetch_is_the_outcome_of_every_waiter_and_is_not_stored()
    {
        var a = await ConnectAsync(Options("a"));
        var b = await ConnectAsync(Options("b"));
        var releaseFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = a.FetchAsync("k", TimeSpan.Zero, async ct =>
        {
            await releaseFetch.Task;
            return ClusterFetchOutcome.Failed("upstream said 503");
        }).AsTask();
        await WaitForReplicaAsync(b, "k", s => s.Envelope?.Lease is not null);
        var waiter = b.FetchAsync("k", TimeSpan.Zero, Fetcher(() => throw new AssertionException("must not fetch"))).AsTask();
        await WaitUntilAsync(() => b.WaitingCalls == 1, "b waits for a's lease");
        releaseFetch.SetResult();

        var waited = await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(waited.Source, Is.EqualTo(ClusterFetchSource.FailedElsewhere));
        Assert.That(waited.Failure, Is.EqualTo("upstream said 503"));
        Assert.That((await holder).Failure, Is.EqualTo("upstream said 503"));
        Assert.That(a.TryGetValue("k", out _) || b.TryGetValue("k", out _), Is.False);

        // The next access fetches again.
        var again = await b.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("ok"), null)));
        Assert.That(again.Stored, Is.True);
    }

    [Test]
    public async Task An_eager_refresh_keeps_serving_the_current_value_and_takes_a_newer_one()
    {
        var a = await ConnectAsync(Options("a"));
        var b = await ConnectAsync(Options("b"));
        var soon = DateTimeOffset.UtcNow.AddSeconds(30);
        await a.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("v1"), soon)));
        await WaitForReplicaAsync(b, "k", s => Text(s.Envelope?.Data) == "v1");

        var releaseFetch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refresh = a.FetchAsync("k", TimeSpan.FromMinutes(1), async ct =>
        {
            await releaseFetch.Task;
            return ClusterFetchOutcome.Success(Bytes("v2"), DateTimeOffset.UtcNow.AddHours(1));
        }).AsTask();
        var leased = await WaitForReplicaAsync(b, "k", s => s.Envelope?.Lease is not null);
        Assert.That(Text(leased.Envelope!.Data), Is.EqualTo("v1"), "replicas keep serving the value during the refresh");
        Assert.That(b.TryGetValue("k", out _), Is.True);

        // b's own eager timer fires now: it waits for a's refresh instead of fetching too.
        var second = b.FetchAsync("k", TimeSpan.FromMinutes(1), Fetcher(() => throw new AssertionException("one refresh per cycle"))).AsTask();
        releaseFetch.SetResult();
        Assert.That(Text((await second.WaitAsync(TimeSpan.FromSeconds(10))).Envelope!.Data), Is.EqualTo("v2"));
        Assert.That((await refresh).Stored, Is.True);
    }

    [Test]
    public async Task An_eager_refresh_started_early_claims_over_the_value_it_holds_and_takes_any_newer_value_even_inside_its_window()
    {
        var a = await ConnectAsync(Options("a"));
        var b = await ConnectAsync(Options("b"));
        var first = await a.FetchAsync("k", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(Bytes("v1"), DateTimeOffset.UtcNow.AddMinutes(5))));
        var v1 = first.ValueId!;
        await WaitForReplicaAsync(b, "k", s => s.Envelope?.ValueId == v1);

        // a's refresh starts before its window (the core jitters eager starts): v1 is still valid beyond the
        // window, but it is the value a refreshes, so a claims and fetches. v2 lives shorter than the window.
        var refreshed = await a.FetchAsync("k", TimeSpan.FromMinutes(1), Fetcher(() => ClusterFetchOutcome.Success(Bytes("v2"), DateTimeOffset.UtcNow.AddSeconds(30))), refreshing: v1);
        Assert.That((refreshed.Source, refreshed.Stored), Is.EqualTo((ClusterFetchSource.FetchedHere, true)));
        var v2 = refreshed.ValueId!;
        await WaitForReplicaAsync(b, "k", s => s.Envelope?.ValueId == v2);

        // b refreshes v1 too: v2 replaced it, and is taken although it is already inside the window.
        var taken = await b.FetchAsync("k", TimeSpan.FromMinutes(1), Fetcher(() => throw new AssertionException("v1 was refreshed already")), refreshing: v1);
        Assert.That((taken.Source, taken.Envelope!.ValueId), Is.EqualTo((ClusterFetchSource.Bucket, v2)));
    }

    [Test]
    public async Task A_value_too_large_to_share_is_returned_here_and_not_stored()
    {
        var a = await ConnectAsync(Options("a") with { MaxEnvelopeBytes = 1024 });
        var result = await a.FetchAsync("big", TimeSpan.Zero, Fetcher(() => ClusterFetchOutcome.Success(new byte[4096], null)));
        Assert.That(result.Source, Is.EqualTo(ClusterFetchSource.FetchedHere));
        Assert.That(result.Stored, Is.False);
        Assert.That(result.Outcome!.Data, Has.Length.EqualTo(4096));
        var envelope = await (await RawBucketAsync()).ReadEnvelopeAsync("big");
        Assert.That(envelope, Is.Not.Null.And.Matches<ClusterEnvelope>(e => e is { Lease: null, HasValue: false, FailedLease: null }), "lease released, nothing stored, no failure for the waiters");
    }
}
