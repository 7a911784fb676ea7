using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>
/// The runtime's side of one expirable, as a store sees it: its identity, its fetcher, and the
/// replica (the cache entry that the hit path reads) that a store may update from outside.
/// </summary>
internal interface IExpirableSlot
{
    /// <summary>"&lt;moduleName&gt;.&lt;name&gt;": the key in the cluster bucket.</summary>
    string Key { get; }

    ExpirableDefinition Definition { get; }

    Type ValueType { get; }

    /// <summary>
    /// Drops the replica because the value was deleted elsewhere (a clear on another node). Also makes
    /// a fetch in flight in this process unable to store its value over the deletion.
    /// </summary>
    void ApplyRemoval();
}

/// <inheritdoc cref="IExpirableSlot"/>
internal interface IExpirableSlot<T> : IExpirableSlot
{
    /// <summary>The replica's value if it is still valid now, else null.</summary>
    Fetched<T>? Current { get; }

    /// <summary>
    /// Runs the user's fetch with the definition's timeout, telemetry and logging. Never throws for a
    /// failed fetch (an exception or a timeout becomes a failed outcome); throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.
    /// At most one call of the fetch method runs at a time, whoever asks: while one runs (a flight detached
    /// by a clear), this waits for it to end; while one abandoned at its timeout still runs, this returns at
    /// once with that timeout's failure and <see cref="FetcherRun{T}.Refused"/> set, without calling the
    /// fetch method. A fetch abandoned now is reported in <see cref="FetcherRun{T}.StillRunning"/>.
    /// </summary>
    ValueTask<FetcherRun<T>> InvokeFetcherAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Installs a value that arrived from elsewhere (a watcher) into the replica, re-arming the expiry and
    /// eager timers. A value already expired, or a failed one, is ignored. A value already inside its eager
    /// window is not refreshed at once: it is the outcome of a fetch elsewhere, and every process refreshing
    /// it would refetch in a loop when values live shorter than the window.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="origin">The store's identity of the value (see <see cref="StoreFetch{T}.Origin"/>).</param>
    void ApplyValue(Fetched<T> value, object? origin);

    /// <summary>The stateful fetch (its state type and (de)serialization); null when stateless.</summary>
    StatefulFetch<T>? Stateful { get; }

    /// <summary>
    /// Replaces the state with what the store holds (null: none), as a put would: a store that keeps the
    /// state (cluster) calls this with the state of a write it saw, and before the fetch it runs under a lease.
    /// </summary>
    void ApplyStoreState(StateSnapshot? state);

    /// <summary>Drops the value and keeps the state: the store holds the state without a value (invalidated elsewhere).</summary>
    void ApplyValueRemoval();
}
