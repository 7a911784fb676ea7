using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal.Cluster;

internal enum ReplicaKind
{
    /// <summary>The stream holds no message for the key (never written, or gone with a lost stream).</summary>
    Absent,

    /// <summary>The key was deleted or purged (a clear).</summary>
    Deleted,

    /// <summary>The entry is not an envelope this process can read; treated as absent.</summary>
    Malformed,

    /// <summary>An envelope: a value, a lease, the end of a failed fetch, or a mix (possibly unreadable here, see <see cref="ClusterEnvelope.IsReadable"/>).</summary>
    Present,
}

/// <summary>This process's view of one key.</summary>
/// <param name="Revision">The key's last message in the stream as delivered to this process: the revision a compare-and-set expects.</param>
/// <param name="ObservedAt">When this process first saw <paramref name="Revision"/>, on its own monotonic clock: a lease lapses relative to this.</param>
/// <param name="Epoch">Bumped when the bucket's stream was lost or recreated and the replicas were resynced from the new one.</param>
internal sealed record ReplicaState(string Key, ulong Revision, ReplicaKind Kind, ClusterEnvelope? Envelope, long ObservedAt, long Epoch)
{
    public bool IsValidAt(DateTimeOffset now) => Envelope is { } envelope && envelope.IsValidAt(now);

    /// <summary>The lease in this state, if any.</summary>
    public ClusterLease? Lease => Kind == ReplicaKind.Present ? Envelope?.Lease : null;
}

/// <summary>One message of the bucket's stream for a key, as the watcher received it.</summary>
internal readonly record struct StreamDelivery(string Key, ulong Revision, bool IsDelete, ReadOnlyMemory<byte> Data);

/// <summary>
/// The in-memory replicas, fed by the one watcher (the only place bytes become replica state) and by
/// this process's own acknowledged writes, so a writer does not wait for its echo. Reads are lock-free;
/// every change completes a per-key signal that waiters await.
/// </summary>
internal sealed class ReplicaTable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private readonly ClusterEnvelopeCodec _codec;
    private readonly ILogger _logger;
    private TaskCompletionSource _ready = NewSignal();
    private TaskCompletionSource _epochChanged = NewSignal();
    private long _epoch;

    public ReplicaTable(TimeProvider time, ClusterEnvelopeCodec codec, ILogger logger)
    {
        _time = time;
        _codec = codec;
        _logger = logger;
    }

    /// <summary>Raised after a key's state changed (on the thread that applied it; keep handlers short).</summary>
    public event Action<ReplicaState>? Changed;

    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Completes when the current snapshot (first connect or resync) has been applied.</summary>
    public Task Ready => Volatile.Read(ref _ready).Task;

    /// <summary>Completes at the next resync (a lost or recreated stream): every waiter must look again.</summary>
    public Task EpochChanged => Volatile.Read(ref _epochChanged).Task;

    public IReadOnlyCollection<string> Keys => (IReadOnlyCollection<string>)_slots.Keys;

    public IEnumerable<ReplicaState> States => _slots.Values.Select(slot => slot.State);

    public ReplicaState Get(string key) => GetSlot(key).State;

    /// <summary>The current view and a task that completes at the next change of the key.</summary>
    public (ReplicaState State, Task NextChange) GetWithSignal(string key)
    {
        var slot = GetSlot(key);
        return (slot.State, slot.Next.Task);
    }

    /// <summary>Waits until the key's revision is at least <paramref name="revision"/>, the epoch changes, or the timeout passes.</summary>
    public async ValueTask<ReplicaState> WaitForRevisionAsync(string key, ulong revision, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var epoch = Epoch;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var (state, next) = GetWithSignal(key);
            if (state.Revision >= revision || state.Epoch != epoch || Epoch != epoch)
            {
                return state;
            }

            try
            {
                await Task.WhenAny(next, EpochChanged).WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Get(key);
            }
        }
    }

    /// <summary>Starts a resync: the next snapshot replaces every replica, whatever its revisions (a new stream numbers from 1 again).</summary>
    public void BeginResync()
    {
        TaskCompletionSource changed;
        lock (_writeLock)
        {
            Interlocked.Increment(ref _epoch);
            if (_ready.Task.IsCompleted)
            {
                _ready = NewSignal();
            }

            changed = _epochChanged;
            _epochChanged = NewSignal();
        }

        changed.TrySetResult();
    }

    /// <summary>Ends a resync: keys the new snapshot did not hold are gone.</summary>
    public void EndResync()
    {
        var epoch = Epoch;
        foreach (var slot in _slots.Values)
        {
            if (slot.State.Epoch != epoch)
            {
                Publish(slot.State.Key, previous => previous.Epoch == epoch
                    ? null
                    : previous with { Revision = 0, Kind = ReplicaKind.Absent, Envelope = null, ObservedAt = _time.GetTimestamp(), Epoch = epoch });
            }
        }

        Volatile.Read(ref _ready).TrySetResult();
    }

    /// <summary>The one place where the bytes of the stream become replica state.</summary>
    public void Apply(StreamDelivery delivery) =>
        Publish(delivery.Key, previous =>
        {
            var epoch = Epoch;
            if (previous.Epoch == epoch && delivery.Revision <= previous.Revision && previous.Revision != 0)
            {
                return null; // applied already (this process wrote it, or a replay)
            }

            if (delivery.IsDelete)
            {
                return At(previous, delivery.Revision, ReplicaKind.Deleted, null, epoch);
            }

            if (_codec.TryDecode(delivery.Key, delivery.Data.Span, out var envelope, out var reason))
            {
                return At(previous, delivery.Revision, ReplicaKind.Present, envelope, epoch);
            }

            Log.MalformedEntry(_logger, delivery.Key, delivery.Revision, reason);
            return At(previous, delivery.Revision, ReplicaKind.Malformed, null, epoch);
        });

    /// <summary>A write of this process that the server acknowledged at <paramref name="revision"/> (null: a delete).</summary>
    public ReplicaState ApplyOwnWrite(string key, ulong revision, ClusterEnvelope? written) =>
        Publish(key, previous => revision <= previous.Revision
            ? null
            : At(previous, revision, written is null ? ReplicaKind.Deleted : ReplicaKind.Present, written, Epoch)) ?? Get(key);

    /// <summary>Drops the value here at once (a clear issued by this process); the delete marker's revision follows.</summary>
    public void ClearLocal(string key) =>
        Publish(key, previous => previous.Kind is ReplicaKind.Absent or ReplicaKind.Deleted
            ? null
            : previous with { Kind = ReplicaKind.Deleted, Envelope = null, ObservedAt = _time.GetTimestamp() });

    /// <summary>
    /// The stream no longer holds the key's last message (removed by a limit such as the bucket's max age,
    /// or purged by an operator) although the stream is the same: the server's last revision is lower than ours.
    /// </summary>
    public void ApplyRemovedByServer(string key, ulong serverRevision) =>
        Publish(key, previous => serverRevision >= previous.Revision
            ? null
            : previous with { Revision = serverRevision, Kind = ReplicaKind.Absent, Envelope = null, ObservedAt = _time.GetTimestamp() });

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReplicaState At(ReplicaState previous, ulong revision, ReplicaKind kind, ClusterEnvelope? envelope, long epoch) =>
        new(previous.Key, revision, kind, envelope, _time.GetTimestamp(), epoch);

    /// <summary>Replaces a key's state under the write lock (null from <paramref name="change"/>: no change), then notifies.</summary>
    private ReplicaState? Publish(string key, Func<ReplicaState, ReplicaState?> change)
    {
        ReplicaState applied;
        Slot previous;
        lock (_writeLock)
        {
            previous = GetSlot(key);
            var next = change(previous.State);
            if (next is null)
            {
                return null;
            }

            applied = next;
            _slots[key] = new Slot(applied);
        }

        // Subscribers (the expirables) first, then the waiters: whoever wakes up on the signal finds the
        // expirable already updated.
        try
        {
            if (applied.Revision != previous.State.Revision || applied.Kind != previous.State.Kind || applied.Epoch != previous.State.Epoch)
            {
                Changed?.Invoke(applied);
            }
        }
        finally
        {
            previous.Next.TrySetResult();
        }

        return applied;
    }

    private Slot GetSlot(string key) =>
        _slots.TryGetValue(key, out var slot) ? slot : _slots.GetOrAdd(key, static (k, epoch) => new Slot(new ReplicaState(k, 0, ReplicaKind.Absent, null, 0, epoch)), Epoch);

    private sealed class Slot(ReplicaState state)
    {
        public ReplicaState State { get; } = state;

        public TaskCompletionSource Next { get; } = NewSignal();
    }
}
