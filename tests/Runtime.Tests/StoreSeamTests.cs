using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>The contract the NATS store (issue 5) relies on, checked with a scripted store in its place.</summary>
public sealed class StoreSeamTests
{
    private static readonly string[] ExpectedClears =
    [
        "ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy",
        "all:ExpirableStore.Runtime.Tests.TestExpirables.:2",
    ];

    private FakeTimeProvider _time = null!;
    private FakeBackend _backend = null!;
    private ScriptedStore _store = null!;
    private ExpirableRuntime _runtime = null!;
    private TestExpirables _module = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _backend = new FakeBackend(_time);
        TestSources.Backend = _backend;
        TestSources.Time = _time;
        _store = new ScriptedStore();
        _runtime = ExpirableRuntime.StartWith(new ExpirableRuntimeOptions { TimeProvider = _time }, _ => _store);
        _module = new TestExpirables(_runtime);
    }

    [TearDown]
    public async Task TearDown() => await _runtime.DisposeAsync();

    [Test]
    public async Task Cluster_scope_goes_through_the_store_and_local_scope_never_does()
    {
        _store.Started.SetResult(true);
        Assert.That(_runtime.IsClustered, Is.True);
        Assert.That(_store.Attached, Is.EquivalentTo(new Dictionary<string, Type>
        {
            ["ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy"] = typeof(string),
            ["ExpirableStore.Runtime.Tests.TestExpirables.cluster_eager"] = typeof(string),
        }));

        Assert.That(await _module.ClusterLazy.GetAsync(), Is.EqualTo("cluster_lazy-1"));
        Assert.That(await _module.LocalLazy.GetAsync(), Is.EqualTo("local_lazy-1"));
        Assert.That(_store.Refreshes, Is.EqualTo(new[] { ("ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy", RefreshReason.Miss) }));

        await _module.ClusterLazy.ClearAsync();
        await _module.LocalLazy.ClearAsync();
        await _module.ClearAllAsync();
        Assert.That(_store.Cleared, Is.EqualTo(ExpectedClears));
    }

    [Test]
    public async Task Accesses_wait_for_the_store_to_start_and_hits_need_nothing()
    {
        Assert.That(await _module.LocalLazy.GetAsync(), Is.EqualTo("local_lazy-1"), "scope local does not wait for the cluster store");
        var pending = _module.ClusterLazy.FetchAsync().AsTask();
        var clearing = _module.ClusterEager.ClearAsync().AsTask();
        Assert.That(pending.IsCompleted || clearing.IsCompleted, Is.False);
        Assert.That(_store.Refreshes, Is.Empty);

        _store.Started.SetResult(true);
        Assert.That((await pending).Value, Is.EqualTo("cluster_lazy-1"));
        await clearing;
        await _runtime.WaitUntilReadyAsync();
    }

    [Test]
    public async Task A_store_that_failed_to_start_still_owns_its_refreshes_and_readiness_reports_the_failure()
    {
        // What a cluster store does without its cluster (fetch here or fail, per WhenClusterUnreachable) is the
        // store's decision, made in one place (the NATS store: Cluster.Tests). The core never fetches behind it.
        _store.Started.SetException(new InvalidOperationException("no route to NATS"));

        var outcome = await _module.ClusterLazy.FetchAsync();

        Assert.That(outcome.IsOk, Is.True, outcome.Error);
        Assert.That(_store.Refreshes, Is.EqualTo(new[] { ("ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy", RefreshReason.Miss) }));
        Assert.That(await _module.LocalLazy.GetAsync(), Is.EqualTo("local_lazy-1"), "scope local does not depend on the cluster store");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _runtime.WaitUntilReadyAsync());
    }

    [Test]
    public async Task A_value_from_elsewhere_is_served_without_fetching_and_rearms_the_eager_timer()
    {
        _store.Started.SetResult(true);
        var slot = _store.Slot<string>("ExpirableStore.Runtime.Tests.TestExpirables.cluster_eager");
        slot.ApplyValue(Fetched.Ok("from-node-b", _time.GetUtcNow().AddSeconds(60)), origin: null);

        Assert.That(await _module.ClusterEager.GetAsync(), Is.EqualTo("from-node-b"));
        Assert.That(_backend.Calls("cluster_eager"), Is.Zero);

        // A lease loser: the store answers with the winner's value, the fetcher is not called.
        _store.Answer = Fetched.Ok("winner", _time.GetUtcNow().AddSeconds(120));
        _time.Advance(TimeSpan.FromSeconds(30));
        await _module.ClusterEager.Core.WhenIdleAsync();
        Assert.That(_store.Refreshes, Is.EqualTo(new[] { ("ExpirableStore.Runtime.Tests.TestExpirables.cluster_eager", RefreshReason.Eager) }));
        Assert.That(await _module.ClusterEager.GetAsync(), Is.EqualTo("winner"));
        Assert.That(_backend.Calls("cluster_eager"), Is.Zero);
        Assert.That(slot.Current?.Value, Is.EqualTo("winner"));

        slot.ApplyRemoval();
        Assert.That(slot.Current, Is.Null);
        Assert.That(await _module.ClusterEager.GetAsync(), Is.EqualTo("winner"), "the store answers again");
        Assert.That(_store.Refreshes, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_value_from_elsewhere_already_inside_its_eager_window_is_not_refreshed_at_once()
    {
        // Another process fetched it (and refreshed it once if it had to): every process refreshing it again
        // would refetch in a loop when values live shorter than the window.
        _store.Started.SetResult(true);
        var slot = _store.Slot<string>("ExpirableStore.Runtime.Tests.TestExpirables.cluster_eager");
        slot.ApplyValue(Fetched.Ok("short-lived", _time.GetUtcNow().AddSeconds(20)), origin: null);
        await _module.ClusterEager.Core.WhenIdleAsync();

        Assert.That(await _module.ClusterEager.GetAsync(), Is.EqualTo("short-lived"));
        Assert.That(_store.Refreshes, Is.Empty);
        Assert.That(_backend.Calls("cluster_eager"), Is.Zero);
    }

    [Test]
    public async Task InvalidateAsync_hands_the_store_the_origin_of_the_value_it_drops()
    {
        _store.Started.SetResult(true);
        var slot = _store.Slot<string>("ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy");
        slot.ApplyValue(Fetched.Ok("rejected", _time.GetUtcNow().AddMinutes(1)), origin: "bucket revision 7");

        Assert.That(await _module.ClusterLazy.InvalidateAsync("some other value"), Is.False);
        Assert.That(_store.Invalidated, Is.Empty, "a value that is not the cached one goes nowhere");
        Assert.That(await _module.ClusterLazy.InvalidateAsync("rejected"), Is.True);
        Assert.That(_store.Invalidated, Is.EqualTo(new[] { ("ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy", (object?)"bucket revision 7") }));
        Assert.That(_store.Cleared, Is.Empty, "compare-and-clear is not a clear");
        Assert.That(await _module.ClusterLazy.GetAsync(), Is.EqualTo("cluster_lazy-1"));
    }

    [Test]
    public async Task A_removal_from_elsewhere_during_a_fetch_is_not_overwritten()
    {
        _store.Started.SetResult(true);
        var (started, release) = _backend.BlockFirstFetch();

        var caller = _module.ClusterLazy.FetchAsync().AsTask();
        await started;
        _store.Slot<string>("ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy").ApplyRemoval();
        release.SetResult(_backend.Ok("before-removal"));

        Assert.That((await caller).Value, Is.EqualTo("before-removal"));
        Assert.That(await _module.ClusterLazy.GetAsync(), Is.EqualTo("cluster_lazy-2"));
    }

    [Test]
    public void Failed_or_expired_values_from_elsewhere_are_ignored()
    {
        _store.Started.SetResult(true);
        var slot = _store.Slot<string>("ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy");
        slot.ApplyValue(Fetched.Failed<string>("nope"), origin: null);
        slot.ApplyValue(Fetched.Ok("old", _time.GetUtcNow()), origin: null);
        Assert.That(slot.Current, Is.Null);
    }

    private sealed class ScriptedStore : IExpirableStore
    {
        private readonly ConcurrentDictionary<string, IExpirableSlot> _slots = new(StringComparer.Ordinal);

        public TaskCompletionSource<bool> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Dictionary<string, Type> Attached { get; } = [];

        public List<(string, RefreshReason)> Refreshes { get; } = [];

        public List<string> Cleared { get; } = [];

        /// <summary>When set, refreshes answer with it instead of calling the fetcher (another node's value).</summary>
        public Fetched<string>? Answer { get; set; }

        public IExpirableSlot<T> Slot<T>(string key) => (IExpirableSlot<T>)_slots[key];

        public async ValueTask StartAsync(CancellationToken cancellationToken) => await Started.Task.WaitAsync(cancellationToken);

        public void Attach<T>(IExpirableSlot<T> slot)
        {
            _slots[slot.Key] = slot;
            lock (Attached)
            {
                Attached[slot.Key] = typeof(T);
            }
        }

        public async ValueTask<StoreFetch<T>> RefreshAsync<T>(IExpirableSlot<T> slot, RefreshReason reason, CancellationToken cancellationToken)
        {
            // A store owns its readiness: the core calls this at once, the store waits for its own start
            // (and, started or failed, answers: a real store fetches here or fails, per its options).
            try
            {
                await Started.Task.WaitAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
            }

            lock (Refreshes)
            {
                Refreshes.Add((slot.Key, reason));
            }

            if (Answer is { } answer && answer is Fetched<T> typed)
            {
                return new StoreFetch<T>(typed);
            }

            var run = await slot.InvokeFetcherAsync(cancellationToken);
            return new StoreFetch<T>(run.Outcome, Origin: null, run.StillRunning);
        }

        public List<(string Key, object? Origin)> Invalidated { get; } = [];

        public ValueTask<bool> InvalidateAsync(IExpirableSlot slot, object? origin, CancellationToken cancellationToken)
        {
            Invalidated.Add((slot.Key, origin));
            return new(true);
        }

        public ValueTask ClearAsync(IExpirableSlot slot, CancellationToken cancellationToken)
        {
            Cleared.Add(slot.Key);
            return default;
        }

        public ValueTask ClearAllAsync(string keyPrefix, IReadOnlyList<IExpirableSlot> slots, CancellationToken cancellationToken)
        {
            Cleared.Add($"all:{keyPrefix}:{slots.Count}");
            return default;
        }

        public ValueTask DisposeAsync() => default;
    }
}
