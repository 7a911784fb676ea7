using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

internal enum ReplicaKind
{
    /// <summary>No entry has ever been seen for the key.</summary>
    Absent,

    /// <summary>The key was deleted or purged (clear).</summary>
    Deleted,

    /// <summary>The entry is not an envelope this process can read; treated as absent.</summary>
    Malformed,

    /// <summary>An envelope: a value, a lease, a failure, or a mix.</summary>
    Present,
}

/// <summary>
/// This process's view of one key.
/// </summary>
/// <param name="Revision">The bucket revision this view reflects (0: none).</param>
/// <param name="ObservedAt">When this process first saw <paramref name="Revision"/>, on its own monotonic clock (<see cref="TimeProvider.GetTimestamp"/>): a lease lapses relative to this.</param>
/// <param name="LocalOnly">A value fetched here while NATS was unreachable: served until any newer bucket revision arrives.</param>
internal sealed record ReplicaState(string Key, ulong Revision, ReplicaKind Kind, ClusterEnvelope? Envelope, long ObservedAt, bool LocalOnly = false)
{
    public bool IsValidAt(DateTimeOffset now) => Envelope is { } envelope && envelope.IsValidAt(now);
}

/// <summary>
/// The in-memory replicas, fed by the watcher (and by this process's own successful writes, so a
/// writer does not wait for its own echo). Reads are lock-free; every change completes a per-key
/// signal that waiters await (no polling).
/// </summary>
internal sealed class ReplicaTable
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;

    public ReplicaTable(TimeProvider time) => _time = time;

    /// <summary>Raised after a key's view changed (on the thread that applied it; keep handlers short).</summary>
    public event Action<ReplicaState>? Changed;

    public ReplicaState Get(string key) => GetSlot(key).State;

    /// <summary>The current view and a task that completes at the next change of the key.</summary>
    public (ReplicaState State, Task NextChange) GetWithSignal(string key)
    {
        var slot = GetSlot(key);
        return (slot.State, slot.Next.Task);
    }

    public IReadOnlyCollection<string> Keys => (IReadOnlyCollection<string>)_slots.Keys;

    public IEnumerable<ReplicaState> States => _slots.Values.Select(slot => slot.State);

    /// <summary>Applies a bucket revision if it is newer than the current view; returns the resulting view.</summary>
    public ReplicaState Apply(string key, ulong revision, ReplicaKind kind, ClusterEnvelope? envelope)
    {
        ReplicaState applied;
        Slot previous;
        lock (_writeLock)
        {
            previous = GetSlot(key);
            if (revision <= previous.State.Revision && previous.State.Kind != ReplicaKind.Absent)
            {
                return previous.State;
            }

            applied = new ReplicaState(key, revision, kind, envelope, _time.GetTimestamp());
            _slots[key] = new Slot(applied);
        }

        // Subscribers (the expirables' replicas) first, then the waiters: whoever wakes up on the
        // signal finds the expirable already updated.
        try
        {
            Changed?.Invoke(applied);
        }
        finally
        {
            previous.Next.TrySetResult();
        }
        return applied;
    }

    /// <summary>A value fetched while the bucket could not be written: serves here until a newer revision arrives.</summary>
    public void ApplyLocal(string key, ClusterEnvelope envelope)
    {
        ReplicaState applied;
        Slot previous;
        lock (_writeLock)
        {
            previous = GetSlot(key);
            applied = previous.State with { Kind = ReplicaKind.Present, Envelope = envelope, ObservedAt = _time.GetTimestamp(), LocalOnly = true };
            _slots[key] = new Slot(applied);
        }

        // Subscribers (the expirables' replicas) first, then the waiters: whoever wakes up on the
        // signal finds the expirable already updated.
        try
        {
            Changed?.Invoke(applied);
        }
        finally
        {
            previous.Next.TrySetResult();
        }
    }

    /// <summary>Drops the value here at once (a clear issued by this process); the delete marker's revision follows through the watcher.</summary>
    public void ClearLocal(string key)
    {
        ReplicaState applied;
        Slot previous;
        lock (_writeLock)
        {
            previous = GetSlot(key);
            if (previous.State.Kind is ReplicaKind.Absent or ReplicaKind.Deleted)
            {
                return;
            }

            applied = previous.State with { Kind = ReplicaKind.Deleted, Envelope = null, ObservedAt = _time.GetTimestamp(), LocalOnly = false };
            _slots[key] = new Slot(applied);
        }

        // Subscribers (the expirables' replicas) first, then the waiters: whoever wakes up on the
        // signal finds the expirable already updated.
        try
        {
            Changed?.Invoke(applied);
        }
        finally
        {
            previous.Next.TrySetResult();
        }
    }

    private Slot GetSlot(string key) =>
        _slots.TryGetValue(key, out var slot) ? slot : _slots.GetOrAdd(key, static k => new Slot(new ReplicaState(k, 0, ReplicaKind.Absent, null, 0)));

    private sealed class Slot(ReplicaState state)
    {
        public ReplicaState State { get; } = state;

        public TaskCompletionSource Next { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
