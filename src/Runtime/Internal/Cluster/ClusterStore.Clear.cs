using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

internal sealed partial class ClusterStore
{
    /// <summary>
    /// Deletes the key in the bucket (every watcher drops its replica). A holder fetching at the time
    /// fails its fencing compare-and-set, so a clear is never overwritten by a fetch in flight. Returns
    /// false when NATS did not confirm (the clear then reached only this process).
    /// </summary>
    public async ValueTask<bool> ClearAsync(string key, CancellationToken cancellationToken = default)
    {
        Replicas.ClearLocal(key);
        for (var attempt = 0; ; attempt++)
        {
            // Where the server serializes compare-and-sets only by their message ids (servers before 2.9.21,
            // replicated), an unconditional delete could be passed by a fencing write in flight on the revision
            // before it: the delete is itself a compare-and-set then, retried on whatever landed first.
            var revision = Replicas.Get(key).Revision;
            var write = await _bucket.DeleteAsync(key, _bucket.DeduplicatesCas ? revision : null, cancellationToken).ConfigureAwait(false);
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    Replicas.ApplyOwnWrite(key, write.Revision, written: null);
                    return true;
                case WriteStatus.Conflict when attempt < 100:
                    await Replicas.WaitForRevisionAsync(key, Math.Max(write.Revision, revision + 1), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    Log.ClearNotPropagated(_logger, key, write.Reason ?? write.Status.ToString());
                    return false;
            }
        }
    }

    /// <summary>
    /// From now on this process never hands out the value <paramref name="valueId"/> of <paramref name="key"/>
    /// again (a caller rejected it), even while the bucket still holds it: its refreshes claim over it.
    /// Called before the compare-and-clear is sent, so a refresh racing it cannot take the rejected value.
    /// </summary>
    public void Reject(string key, string valueId) => _rejected[key] = valueId;

    /// <summary>Whether this process rejected <paramref name="envelope"/>'s value.</summary>
    public bool IsRejected(string key, ClusterEnvelope? envelope) =>
        envelope?.ValueId is { } id && _rejected.TryGetValue(key, out var rejected) && string.Equals(id, rejected, StringComparison.Ordinal);

    /// <summary>Deletes the given keys and every key this process knows under <paramref name="keyPrefix"/>.</summary>
    public async ValueTask<bool> ClearAllAsync(string keyPrefix, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var all = new HashSet<string>(keys, StringComparer.Ordinal);
        foreach (var state in Replicas.States)
        {
            if (state.Key.StartsWith(keyPrefix, StringComparison.Ordinal) && state.Kind is not (ReplicaKind.Deleted or ReplicaKind.Absent))
            {
                all.Add(state.Key);
            }
        }

        var clears = new List<Task<bool>>(all.Count);
        foreach (var key in all)
        {
            clears.Add(ClearAsync(key, cancellationToken).AsTask());
        }

        var confirmed = true;
        foreach (var clear in clears)
        {
            confirmed &= await clear.ConfigureAwait(false);
        }

        return confirmed;
    }

    /// <summary>
    /// Compare-and-clear: deletes the key (a stateful key: its value, the state stays) only while the bucket still holds the value <paramref name="valueId"/>
    /// (a delete with a compare-and-set on the key's revision). A newer value is kept, and so is a value
    /// being refreshed (a lease is active: its refresh replaces it). True when this call deleted it.
    /// </summary>
    public async ValueTask<bool> InvalidateAsync(string key, string valueId, CancellationToken cancellationToken = default)
    {
        Reject(key, valueId);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var state = Replicas.Get(key);
            if (state.Kind != ReplicaKind.Present || state.Envelope?.ValueId != valueId)
            {
                return false;
            }

            if (state.Lease is { } lease && _time.GetElapsedTime(state.ObservedAt) < lease.Duration)
            {
                return false;
            }

            // A stateful key keeps its state: only the value goes (the refetch receives the state).
            var stateOnly = state.Envelope is { State: not null } stateful
                ? stateful.ValueOnly() with { ValueId = null, Data = null, ExpiresAt = null, FetchedBy = null, FetchedAt = null }
                : null;
            var write = stateOnly is null
                ? await _bucket.DeleteAsync(key, state.Revision, cancellationToken).ConfigureAwait(false)
                : await _bucket.PutAsync(key, Codec.Encode(key, stateOnly), state.Revision, cancellationToken).ConfigureAwait(false);
            switch (write.Status)
            {
                case WriteStatus.Landed:
                    Replicas.ApplyOwnWrite(key, write.Revision, written: stateOnly);
                    return true;
                case WriteStatus.Conflict:
                    if (write.Revision != 0 && write.Revision < state.Revision)
                    {
                        await ResolveBackwardsRevisionAsync(key, write.Revision, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await Replicas.WaitForRevisionAsync(key, Math.Max(write.Revision, state.Revision + 1), _options.CallTimeout, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                default:
                    Log.ClearNotPropagated(_logger, key, write.Reason ?? write.Status.ToString());
                    return false;
            }
        }

        return false;
    }

}
