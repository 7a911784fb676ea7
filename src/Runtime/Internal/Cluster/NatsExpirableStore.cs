using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// The store of scope cluster when <see cref="ExpirableRuntimeOptions.NatsUrl"/> or <see cref="ExpirableRuntimeOptions.NatsConnection"/> is set: adapts the
/// byte-level <see cref="ClusterStore"/> protocol to typed slots. Values are serialized with
/// <see cref="ExpirableRuntimeOptions.ValueSerializer"/>; the watcher pushes every change into the slots
/// (so other processes' eager timers re-arm from the values they receive). The one home of a fetch that
/// runs without coordination: the store did not start, the cluster is unreachable, or the bucket holds a
/// value this process cannot read.
/// </summary>
internal sealed class NatsExpirableStore : IExpirableStore
{
    /// <summary>The first pause before a start is tried again; it doubles up to <see cref="StartRetryMaxDelay"/>.</summary>
    internal static readonly TimeSpan StartRetryInitialDelay = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan StartRetryMaxDelay = TimeSpan.FromSeconds(30);

    private readonly IExpirableValueSerializer _serializer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Binding> _bindings = new(StringComparer.Ordinal);

    // Set when the first start attempt has ended (with the store, or null): until then accesses wait for it.
    private readonly TaskCompletionSource<ClusterStore?> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _installGate = new();
    private ClusterStore? _store;
    private Exception? _startFailure;
    private Task _retry = Task.CompletedTask;
    private bool _disposed;

    public NatsExpirableStore(ClusterStoreOptions options, IExpirableValueSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        Options = options;
        _serializer = serializer;
        _logger = options.LoggerFactory.CreateLogger("ExpirableStore.Cluster");
    }

    public ClusterStoreOptions Options { get; }

    /// <summary>The protocol underneath (tests and diagnostics); null until started.</summary>
    public ClusterStore? Cluster => Volatile.Read(ref _store);

    /// <summary>
    /// Writes every character NATS does not allow in a key (anything but ASCII letters, digits and <c>-/_.</c>) as <c>=XXXX</c>.
    /// </summary>
    public static string EscapeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.All(IsAllowed))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length + 8);
        foreach (var c in key)
        {
            if (IsAllowed(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('=').Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();

        static bool IsAllowed(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '/' or '_' or '.';
    }

    /// <summary>The bucket key of an expirable: <c>&lt;prefix&gt;.&lt;moduleName&gt;.&lt;name&gt;</c>, escaped (<see cref="EscapeKey"/>).</summary>
    public string BucketKey(string slotKey) => Options.KeyPrefix.Length == 0 ? EscapeKey(slotKey) : Options.KeyPrefix + "." + EscapeKey(slotKey);

    /// <summary>Connecting until the first attempt ends; then connected or unreachable, as the connection is now.</summary>
    public ExpirableClusterState? State =>
        !_started.Task.IsCompleted ? ExpirableClusterState.Connecting
        : Volatile.Read(ref _store) is { IsConnected: true } ? ExpirableClusterState.Connected
        : ExpirableClusterState.Unreachable;

    /// <summary>Completes when this process's cluster store is connected: at the first start, or at a later retry (tests).</summary>
    internal Task Joined => _joined.Task;

    /// <summary>
    /// Connects. When the first attempt fails (NATS unreachable at startup) that failure is the runtime's start
    /// failure, and the store keeps trying in the background until it connects or is disposed: until then a
    /// cluster-scoped fetch runs as <see cref="ExpirableRuntimeOptions.WhenClusterUnreachable"/> says, and from then
    /// on it coordinates through the bucket. A process that started while NATS was down must not stay
    /// uncoordinated for its whole life (a rotating refresh token would be used twice).
    /// </summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        ClusterStore store;
        try
        {
            store = await ClusterStore.ConnectAsync(Options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _startFailure = ex;
            _started.TrySetResult(null);
            if (!cancellationToken.IsCancellationRequested)
            {
                _retry = Background.Run(RetryStartAsync);
            }

            throw;
        }

        await InstallAsync(store).ConfigureAwait(false);
    }

    private async Task RetryStartAsync()
    {
        var delay = StartRetryInitialDelay;
        for (var attempt = 2; ; attempt++)
        {
            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                var store = await ClusterStore.ConnectAsync(Options, _stop.Token).ConfigureAwait(false);
                Log.JoinedAfterStartFailure(_logger, Options.Bucket, attempt);
                await InstallAsync(store).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // any failure of an attempt is reported and retried; disposal ends the loop
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _startFailure = ex;
                Log.StartRetryFailed(_logger, Options.Bucket, attempt, ex.GetType().Name, ex.Message);
            }

            delay = delay * 2 < StartRetryMaxDelay ? delay * 2 : StartRetryMaxDelay;
        }
    }

    private async ValueTask InstallAsync(ClusterStore store)
    {
        store.Replicas.Changed += OnReplicaChanged;
        lock (_installGate)
        {
            if (!_disposed)
            {
                Volatile.Write(ref _store, store);
            }
        }

        if (Volatile.Read(ref _store) != store)
        {
            // Disposed while connecting.
            store.Replicas.Changed -= OnReplicaChanged;
            await store.DisposeAsync().ConfigureAwait(false);
            return;
        }

        // Slots attached before the snapshot arrived get its values now.
        foreach (var binding in _bindings.Values)
        {
            binding.Push(store.Replicas.Get(binding.BucketKey));
        }

        _started.TrySetResult(store);
        _joined.TrySetResult();
    }

    public void Attach<T>(IExpirableSlot<T> slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var binding = new Binding<T>(this, slot, BucketKey(slot.Key));
        _bindings[binding.BucketKey] = binding;
        if (Cluster is { } store)
        {
            binding.Push(store.Replicas.Get(binding.BucketKey));
        }
    }

    public void Detach(IExpirableSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var key = BucketKey(slot.Key);
        if (_bindings.TryGetValue(key, out var binding) && binding.IsFor(slot))
        {
            _bindings.TryRemove(new KeyValuePair<string, Binding>(key, binding));
        }
    }

    public async ValueTask<StoreFetch<T>> RefreshAsync<T>(IExpirableSlot<T> slot, RefreshReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _store) is not { } store)
        {
            return await FetchUncoordinatedAsync(slot, $"the cluster store did not start ({_startFailure?.Message ?? "disposed"})", byMode: true, cancellationToken).ConfigureAwait(false);
        }

        var key = BucketKey(slot.Key);
        var eager = reason == RefreshReason.Eager;
        var refreshAhead = eager ? slot.Definition.EagerBefore ?? TimeSpan.Zero : TimeSpan.Zero;
        _bindings.TryGetValue(key, out var binding);

        // An eager refresh knows which bucket value it replaces: it may start early (the core jitters it).
        var refreshing = eager ? binding?.HeldValueId : null;
        var result = await store.FetchAsync(key, refreshAhead, (claim, ct) => FetchForBucketAsync(slot, claim, ct), refreshing, cancellationToken).ConfigureAwait(false);
        switch (result.Source)
        {
            case ClusterFetchSource.FetchedHere:
                // A fetch that timed out and still runs is the store's: it writes the late value or releases.
                var run = (FetcherRun<T>)result.Outcome!.State!;
                binding?.NoteHeld(run.Outcome.IsOk ? result.ValueId : refreshing);
                return new StoreFetch<T>(run.Outcome, result.ValueId);
            case ClusterFetchSource.Bucket:
                if (TryDeserialize(slot, result.Envelope!, out Fetched<T> fromBucket))
                {
                    binding?.NoteHeld(result.Envelope!.ValueId);
                    return new StoreFetch<T>(fromBucket, result.Envelope!.ValueId);
                }

                return await FetchUncoordinatedAsync(slot, $"the bucket's value cannot be read as {typeof(T).Name}", byMode: false, cancellationToken).ConfigureAwait(false);
            case ClusterFetchSource.Unreadable:
                return await FetchUncoordinatedAsync(slot, $"the bucket's value is unreadable here ({result.Failure}); it is not evicted", byMode: false, cancellationToken).ConfigureAwait(false);
            case ClusterFetchSource.Unreachable:
                return await FetchUncoordinatedAsync(slot, result.Failure ?? "the cluster cannot coordinate", byMode: true, cancellationToken).ConfigureAwait(false);
            default:
                return new StoreFetch<T>(Fetched.Failed<T>(result.Failure ?? "the cluster fetch failed"));
        }
    }

    public async ValueTask<StateWrite> WriteStateAsync<T>(IExpirableSlot<T> slot, Func<bool, object?, object?> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(update);
        var stateful = slot.Stateful ?? throw new InvalidOperationException($"Expirable '{slot.Key}' is not stateful.");
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _store) is not { } store)
        {
            return default; // not shared: this process keeps it, as for a fetch without coordination
        }

        object? written = null;
        var insideOwnFetch = FetchContext.Call is { } call && ReferenceEquals(call.Slot, slot);
        var envelope = await store.WriteStateAsync(
            BucketKey(slot.Key),
            current =>
            {
                if (!TryReadState(slot, stateful, current, out var read))
                {
                    throw new InvalidOperationException($"The state of '{slot.Key}' in the bucket cannot be read as {stateful.StateType.Name}.");
                }

                written = update(read is not null, read?.Value);
                return stateful.Serialize(_serializer, written);
            },
            waitForLease: !insideOwnFetch,
            cancellationToken).ConfigureAwait(false);
        return envelope is null ? default : new StateWrite(true, written);
    }

    public async ValueTask ClearAsync(IExpirableSlot slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (Cluster is { } store)
        {
            var key = BucketKey(slot.Key);
            if (_bindings.TryGetValue(key, out var binding))
            {
                binding.MarkRemoved(); // the core has dropped the replica already
            }

            await store.ClearAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<bool> InvalidateAsync(IExpirableSlot slot, object? origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);

        // A value that was never the bucket's (fetched without coordination) has no shared copy to compare.
        if (origin is not string valueId || Cluster is not { } store)
        {
            return true;
        }

        var key = BucketKey(slot.Key);
        store.Reject(key, valueId); // before any await: a refresh racing this call must not take the rejected value
        var removed = await store.InvalidateAsync(key, valueId, cancellationToken).ConfigureAwait(false);
        if (removed && _bindings.TryGetValue(key, out var binding))
        {
            binding.MarkRemoved();
        }

        return removed;
    }

    public async ValueTask ClearAllAsync(string keyPrefix, IReadOnlyList<IExpirableSlot> slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (Cluster is { } store)
        {
            var keys = slots.Select(s => BucketKey(s.Key)).ToList();
            foreach (var key in keys)
            {
                if (_bindings.TryGetValue(key, out var binding))
                {
                    binding.MarkRemoved();
                }
            }

            await store.ClearAllAsync(BucketKey(keyPrefix), keys, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_installGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _retry.ConfigureAwait(false);
        _stop.Dispose();
        _started.TrySetResult(null);
        if (Interlocked.Exchange(ref _store, null) is { } store)
        {
            store.Replicas.Changed -= OnReplicaChanged;
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops the connection without releasing anything, as a process that dies would (tests).</summary>
    internal async ValueTask AbandonAsync()
    {
        if (Interlocked.Exchange(ref _store, null) is { } store)
        {
            store.Replicas.Changed -= OnReplicaChanged;
            await store.AbandonAsync().ConfigureAwait(false);
        }
    }

    private static async Task<ClusterFetchOutcome> LateForBucketAsync<T>(NatsExpirableStore owner, IExpirableSlot<T> slot, Task<Fetched<T>> late, Func<StateSnapshot?>? lateNextState)
    {
        var outcome = await late.ConfigureAwait(false);
        return owner.ToBucketOutcome(slot, new FetcherRun<T>(outcome, NextState: lateNextState?.Invoke()));
    }

    /// <summary>
    /// The user's fetch, in bucket form (a fetch that times out carries its late outcome along). A stateful
    /// fetch receives the state of the envelope this process claimed the lease on: the last one that landed.
    /// </summary>
    private async ValueTask<ClusterFetchOutcome> FetchForBucketAsync<T>(IExpirableSlot<T> slot, ClusterEnvelope claim, CancellationToken cancellationToken)
    {
        if (slot.Stateful is { } stateful)
        {
            if (!TryReadState(slot, stateful, claim.State, out var state))
            {
                return ClusterFetchOutcome.Failed("the state in the bucket cannot be read as " + stateful.StateType.Name, new FetcherRun<T>(Fetched.Failed<T>("the state in the bucket cannot be read")));
            }

            slot.ApplyStoreState(state);
        }

        var run = await slot.InvokeFetcherAsync(cancellationToken).ConfigureAwait(false);
        var outcome = ToBucketOutcome(slot, run);
        return run.StillRunning is { } late ? outcome with { Late = LateForBucketAsync(this, slot, late, run.LateNextState) } : outcome;
    }

    private ClusterFetchOutcome ToBucketOutcome<T>(IExpirableSlot<T> slot, FetcherRun<T> run)
    {
        var fetched = run.Outcome;
        byte[]? nextState = null;
        if (slot.Stateful is { } stateful && run.NextState is { } next)
        {
            try
            {
                nextState = stateful.Serialize(_serializer, next.Value);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Kept in this process only; the bucket keeps the state the fetch received.
                Log.NotShared(_logger, slot.Key, $"its next state could not be serialized ({ex.GetType().Name})");
            }
        }

        if (!fetched.IsOk)
        {
            return ClusterFetchOutcome.Failed(fetched.Error ?? "the fetch failed", run) with { NextState = nextState };
        }

        try
        {
            return ClusterFetchOutcome.Success(_serializer.Serialize(fetched.Value), fetched.ExpiresAt, run) with { NextState = nextState };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // This process's callers still get the value; it is just not shared.
            Log.NotShared(_logger, slot.Key, $"it could not be serialized ({ex.GetType().Name})");
            return ClusterFetchOutcome.NotShareable(run) with { NextState = nextState };
        }
    }

    /// <summary>
    /// Fetches in this process, uncoordinated. With <paramref name="byMode"/> (the cluster cannot
    /// coordinate) <see cref="ExpirableRuntimeOptions.WhenClusterUnreachable"/> decides; without (the
    /// bucket's value is unusable here) there is nothing else to do. The core owns a late outcome then.
    /// </summary>
    private async ValueTask<StoreFetch<T>> FetchUncoordinatedAsync<T>(IExpirableSlot<T> slot, string why, bool byMode, CancellationToken cancellationToken)
    {
        if (byMode && !Options.FetchLocallyWhenUnreachable)
        {
            return new StoreFetch<T>(Fetched.Failed<T>($"The cluster store (NATS) is unreachable ({why}) and fetching without it is disabled."));
        }

        Log.FetchingUncoordinated(_logger, slot.Key, why);
        var run = await slot.InvokeFetcherAsync(cancellationToken).ConfigureAwait(false);
        return new StoreFetch<T>(run.Outcome, Origin: null, Late: run.StillRunning);
    }

    private void OnReplicaChanged(ReplicaState state)
    {
        if (_bindings.TryGetValue(state.Key, out var binding))
        {
            binding.Push(state);
        }
    }

    /// <summary>The state an envelope holds (null bytes: none); false, logged, when it cannot be read as the slot's state type.</summary>
    private bool TryReadState<T>(IExpirableSlot<T> slot, StatefulFetch<T> stateful, byte[]? bytes, out StateSnapshot? state)
    {
        state = null;
        if (bytes is null)
        {
            return true;
        }

        try
        {
            state = new StateSnapshot(stateful.Deserialize(_serializer, bytes));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.UndeserializableValue(_logger, slot.Key, stateful.StateType.Name, ex.GetType().Name);
            return false;
        }
    }

    private bool TryDeserialize<T>(IExpirableSlot<T> slot, ClusterEnvelope envelope, out Fetched<T> fetched)
    {
        try
        {
            var value = _serializer.Deserialize<T>(envelope.Data);
            fetched = envelope.ExpiresAt is { } expiresAt ? Fetched.Ok(value, expiresAt) : Fetched.Forever(value);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.UndeserializableValue(_logger, slot.Key, slot.ValueType.Name, ex.GetType().Name);
            fetched = default;
            return false;
        }
    }

    /// <summary>Forwards replica changes to one slot: a value not forwarded yet, or a removal.</summary>
    private abstract class Binding(string bucketKey)
    {
        private string? _lastValueId;
        private string? _heldValueId;

        public string BucketKey { get; } = bucketKey;

        /// <summary>The id of the bucket value the slot got last (forwarded or the outcome of a refresh); null when unknown or local.</summary>
        public string? HeldValueId => Volatile.Read(ref _heldValueId);

        public abstract void Push(ReplicaState state);

        public abstract bool IsFor(IExpirableSlot slot);

        /// <summary>The core dropped the value itself (a clear or invalidate of this process).</summary>
        public void MarkRemoved()
        {
            Volatile.Write(ref _lastValueId, null);
            Volatile.Write(ref _heldValueId, null);
        }

        /// <summary>A refresh handed the slot the bucket value <paramref name="valueId"/> (null: a value of its own).</summary>
        public void NoteHeld(string? valueId) => Volatile.Write(ref _heldValueId, valueId);

        /// <summary>Records <paramref name="valueId"/> as forwarded; false when it already was (renewals and echoes carry the same value).</summary>
        protected bool TryMarkForwarded(string valueId) =>
            !string.Equals(Interlocked.Exchange(ref _lastValueId, valueId), valueId, StringComparison.Ordinal);
    }

    private sealed class Binding<T>(NatsExpirableStore owner, IExpirableSlot<T> slot, string bucketKey) : Binding(bucketKey)
    {
        private readonly Lock _pushing = new();
        private long _lastEpoch = -1;
        private ulong _lastRevision;
        private long _lastStateVersion;

        public override bool IsFor(IExpirableSlot other) => ReferenceEquals(slot, other);

        public override void Push(ReplicaState state)
        {
            // The replica table raises changes after releasing its lock, so the watcher and a writing thread
            // can deliver revisions N+1 and N in that order: never forward an older state over a newer one.
            lock (_pushing)
            {
                if (state.Epoch < _lastEpoch || (state.Epoch == _lastEpoch && state.Revision < _lastRevision))
                {
                    return;
                }

                var first = _lastEpoch == -1;
                _lastEpoch = state.Epoch;
                _lastRevision = state.Revision;
                switch (state.Kind)
                {
                    case ReplicaKind.Absent when first:
                        break; // nothing in the bucket and nothing forwarded: nothing to remove
                    case ReplicaKind.Deleted:
                    case ReplicaKind.Malformed:
                    case ReplicaKind.Absent:
                        MarkRemoved();
                        _lastStateVersion = 0;
                        slot.ApplyRemoval();
                        break;
                    case ReplicaKind.Present when slot.Stateful is { } stateful && state.Envelope is { IsReadable: true } withState:
                        PushState(stateful, withState);
                        if (withState.ValueId is null && HeldValueId is not null)
                        {
                            // The value was invalidated elsewhere; the state stays.
                            MarkRemoved();
                            slot.ApplyValueRemoval();
                        }

                        PushValue(state);
                        break;
                    case ReplicaKind.Present:
                        PushValue(state);
                        break;
                }
            }
        }

        private void PushValue(ReplicaState state)
        {
            if (state.Envelope is { ValueId: { } valueId } envelope
                && envelope.IsValidAt(owner.Options.TimeProvider.GetUtcNow())
                && owner.Cluster?.IsRejected(BucketKey, envelope) != true
                && TryMarkForwarded(valueId)
                && owner.TryDeserialize(slot, envelope, out var fetched))
            {
                NoteHeld(valueId);
                slot.ApplyValue(fetched, valueId);
            }
        }

        /// <summary>A state written elsewhere (or none, after a clear and a claim): the slot's state from now on.</summary>
        private void PushState(StatefulFetch<T> stateful, ClusterEnvelope envelope)
        {
            if (envelope.StateVersion == _lastStateVersion)
            {
                return;
            }

            _lastStateVersion = envelope.StateVersion;
            if (owner.TryReadState(slot, stateful, envelope.State, out var state))
            {
                slot.ApplyStoreState(state);
            }
        }
    }
}
