using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>
/// The seam between an expirable and where its value lives. The in-process store serves scope local,
/// and scope cluster when no NATS is configured; the NATS store (issue 5) serves scope cluster.
/// See Internal/README.md for the contract in full.
/// </summary>
internal interface IExpirableStore : IAsyncDisposable
{
    /// <summary>
    /// Starts the store (NATS: connect, create the bucket, run the watcher until its initial snapshot is
    /// applied). Runs once, in the background of the runtime's construction; every slow path awaits it.
    /// </summary>
    ValueTask StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Where the store stands now, when it knows more than whether its start succeeded (NATS: a start retried
    /// in the background, a connection that dropped); null: the runtime tells it from <see cref="StartAsync"/>.
    /// </summary>
    ExpirableClusterState? State => null;

    /// <summary>
    /// Called once per expirable of this store, when its module is constructed (possibly before or during
    /// <see cref="StartAsync"/>). A store that replicates keeps the slot to push values into it.
    /// </summary>
    void Attach<T>(IExpirableSlot<T> slot);

    /// <summary>The slot left memory (a key of a keyed expirable, idle): the store stops pushing values into it.</summary>
    void Detach(IExpirableSlot slot)
    {
    }

    /// <summary>
    /// Writes a stateful slot's state where every process sees it: <paramref name="update"/> (has state, state)
    /// turns the store's current state into the new one, and may run more than once under contention.
    /// <see cref="StateWrite.Stored"/> false: the store keeps no state (in-process); the core keeps it.
    /// </summary>
    ValueTask<StateWrite> WriteStateAsync<T>(IExpirableSlot<T> slot, Func<bool, object?, object?> update, CancellationToken cancellationToken) =>
        new(default(StateWrite));

    /// <summary>
    /// Produces a fresh outcome for <paramref name="slot"/>. The core calls this from a single flight
    /// (at most one call per slot at a time in a process) and installs a successful outcome in the
    /// replica unless the slot was cleared meanwhile. In-process: call the fetcher. Cluster: take a newer
    /// value already in the bucket, or win the lease and fetch and write, or wait for the winner's value.
    /// </summary>
    /// <param name="slot">The expirable.</param>
    /// <param name="reason">Why the fetch is needed.</param>
    /// <param name="cancellationToken">The runtime's lifetime: cancelled on dispose.</param>
    ValueTask<StoreFetch<T>> RefreshAsync<T>(IExpirableSlot<T> slot, RefreshReason reason, CancellationToken cancellationToken);

    /// <summary>Deletes the value everywhere. The core has already dropped this process's replica.</summary>
    ValueTask ClearAsync(IExpirableSlot slot, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-clear: deletes the value everywhere only if the store still holds the value identified
    /// by <paramref name="origin"/> (what the store attached to it); a newer value is kept. The core has
    /// already dropped this process's replica of that value. Returns whether this call removed it.
    /// </summary>
    ValueTask<bool> InvalidateAsync(IExpirableSlot slot, object? origin, CancellationToken cancellationToken);

    /// <summary>Deletes every value of a module everywhere (<paramref name="keyPrefix"/> is "&lt;moduleName&gt;.").</summary>
    ValueTask ClearAllAsync(string keyPrefix, IReadOnlyList<IExpirableSlot> slots, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IExpirableStore.WriteStateAsync"/> did.</summary>
/// <param name="Stored">Whether the store wrote it (and every process will see it).</param>
/// <param name="State">The state written.</param>
internal readonly record struct StateWrite(bool Stored, object? State);
