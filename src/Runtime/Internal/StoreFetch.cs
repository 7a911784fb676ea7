using System;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>What one call of <see cref="IExpirableSlot{T}.InvokeFetcherAsync"/> produced.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Outcome">What the callers get now: a timeout failure when the fetch was abandoned at its timeout.</param>
/// <param name="StillRunning">
/// Non-null when the fetch timed out but the fetch method has not returned yet: completes (never faults)
/// with its late outcome, or with a <see cref="FetchFailure.TimedOut"/> failure when the runtime stops
/// waiting for it (<see cref="ExpirableRuntimeOptions.AbandonedFetchTimeout"/>) or is disposed. Until it
/// completes no other call of the fetch method starts. Whoever called
/// <see cref="IExpirableSlot{T}.InvokeFetcherAsync"/> owns it and decides what the late outcome becomes: the
/// in-process store hands it back to the core in <see cref="StoreFetch{T}.Late"/>; a cluster store publishes it itself.
/// </param>
/// <param name="Refused">
/// True when the fetch method was not called at all because an earlier call was abandoned at its timeout
/// and still runs: <paramref name="Outcome"/> is then that timeout's failure, and <paramref name="StillRunning"/> is null
/// (the earlier call's owner holds it).
/// </param>
/// <param name="NextState">
/// What a stateful fetch method returned as its next state (on a failure too); null when it is stateless,
/// was not called, threw, or has not returned yet (abandoned at its timeout).
/// </param>
/// <param name="LateNextState">With <paramref name="StillRunning"/>: the next state the late fetch returned, once it has completed.</param>
internal readonly record struct FetcherRun<T>(Fetched<T> Outcome, Task<Fetched<T>>? StillRunning = null, bool Refused = false, StateSnapshot? NextState = null, Func<StateSnapshot?>? LateNextState = null);

/// <summary>What a store's refresh produced for the core.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Outcome">The outcome for the callers; a successful one is installed unless the slot was cleared meanwhile.</param>
/// <param name="Origin">
/// The store's identity of the value (cluster: which bucket write it is), kept with the cached entry and
/// handed back to <see cref="IExpirableStore.InvalidateAsync"/>; null when the store needs none.
/// </param>
/// <param name="Late">
/// The late outcome of a fetch abandoned at its timeout whose handling the store leaves to the core
/// (in-process: the core installs it when it succeeds, unless a clear came in between).
/// </param>
internal readonly record struct StoreFetch<T>(Fetched<T> Outcome, object? Origin = null, Task<Fetched<T>>? Late = null);
