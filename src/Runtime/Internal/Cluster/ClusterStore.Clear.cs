using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

internal sealed partial class ClusterStore
{
    /// <summary>
    /// Deletes the key in the bucket (every watcher drops its replica). A lease holder fetching at the
    /// time fails its final compare-and-set, so a clear is never overwritten by a fetch in flight.
    /// Returns false when NATS did not confirm (the clear then reached only this process).
    /// </summary>
    public async ValueTask<bool> ClearAsync(string key, CancellationToken cancellationToken = default)
    {
        Replicas.ClearLocal(key);
        try
        {
            await _bucket.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ClusterCallTimeoutException ex)
        {
            Log.ClearNotPropagated(_logger, key, ex.Message);
            return false;
        }
    }

    /// <summary>Deletes the given keys and every key this process knows under <paramref name="keyPrefix"/>.</summary>
    public async ValueTask<bool> ClearAllAsync(string keyPrefix, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var all = new HashSet<string>(keys, StringComparer.Ordinal);
        foreach (var state in Replicas.States)
        {
            if (state.Key.StartsWith(keyPrefix, StringComparison.Ordinal) && state.Kind != ReplicaKind.Deleted)
            {
                all.Add(state.Key);
            }
        }

        var confirmed = true;
        var clears = new List<Task<bool>>(all.Count);
        foreach (var key in all)
        {
            clears.Add(ClearAsync(key, cancellationToken).AsTask());
        }

        foreach (var clear in clears)
        {
            confirmed &= await clear.ConfigureAwait(false);
        }

        return confirmed;
    }
}
