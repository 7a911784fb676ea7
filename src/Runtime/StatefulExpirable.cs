using System;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;

namespace ExpirableStore;

/// <summary>
/// A declared value whose fetch receives a state and returns the next one (<c>state S</c>): what the generated
/// properties of stateful expirables return. The members of <see cref="Expirable{T}"/>, and the state's.
/// Thread-safe; a hit costs no lock, no allocation and no precise clock read.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <typeparam name="S">The type of the state.</typeparam>
public sealed class StatefulExpirable<T, S> : IUntypedExpirable, IEntryCell<T>, IExpirableAccess<T>, IStateAccess<S>
{
    // As Expirable<T>.Entry: the replica the hit path reads.
    internal volatile CacheEntry<T>? Entry;

    private readonly ExpirableCore<T> _core;
    private readonly Counter<long> _hits;

    internal StatefulExpirable(ExpirableRuntime runtime, string key, ExpirableDefinition definition, Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch)
    {
        _core = new ExpirableCore<T>(this, runtime, key, key, definition, fetch: null, new StatefulFetch<T, S>(fetch, definition.StateRequired), initialState: null);
        _hits = runtime.Telemetry.Hits;
        runtime.Register(_core);
        _core.Attach();
    }

    /// <summary>The declared name.</summary>
    public string Name => _core.Definition.Name;

    /// <summary>"&lt;moduleName&gt;.&lt;name&gt;": the key of the value and its state in the cluster bucket.</summary>
    public string Key => _core.Key;

    /// <summary>The declaration.</summary>
    public ExpirableDefinition Definition => _core.Definition;

    internal ExpirableCore<T> Core => _core;

    IExpirableSlot? IUntypedExpirable.Slot => _core;

    CacheEntry<T>? IEntryCell<T>.Entry
    {
        get => Entry;
        set => Entry = value;
    }

    /// <summary>
    /// Returns the cached value, or fetches it (one fetch for all concurrent callers) with the state the last
    /// fetch returned. A failed fetch is returned, never thrown; without a required state the outcome is
    /// <see cref="FetchFailure.StateRequired"/> and the fetch method is not called.
    /// </summary>
    /// <param name="cancellationToken">Ends this caller's wait only; the shared fetch goes on for the others.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<Fetched<T>> FetchAsync(CancellationToken cancellationToken = default)
    {
        var entry = Entry;
        if (CacheEntry<T>.IsServable(entry))
        {
            if (_hits.Enabled)
            {
                _core.RecordHit();
            }

            return new ValueTask<Fetched<T>>(entry.Fetched);
        }

        return _core.FetchSlowAsync(cancellationToken);
    }

    /// <summary>Returns the cached value, or fetches it; throws when the fetch fails.</summary>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed (<see cref="ExpirableFetchException.Failure"/> says why).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        var entry = Entry;
        if (CacheEntry<T>.IsServable(entry))
        {
            if (_hits.Enabled)
            {
                _core.RecordHit();
            }

            return new ValueTask<T>(entry.Value);
        }

        return _core.GetSlowAsync(cancellationToken);
    }

    /// <summary>
    /// Removes the value and the state (in every process, for cluster scope); the next fetch receives the
    /// default state, or, when the state is required, fails until one is put.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the value and state are removed.</returns>
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => _core.ClearAsync(cancellationToken);

    /// <summary>
    /// Compare-and-clear of the value only (see <see cref="Expirable{T}.InvalidateAsync(T, CancellationToken)"/>):
    /// the state stays, so the refetch receives it (an access token rejected, its refresh token kept).
    /// </summary>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>Whether this call removed the value.</returns>
    public ValueTask<bool> InvalidateAsync(T staleValue, CancellationToken cancellationToken = default) =>
        _core.InvalidateAsync(staleValue, cancellationToken);

    /// <summary>Compare-and-clear by outcome (see <see cref="Expirable{T}.InvalidateAsync(Fetched{T}, CancellationToken)"/>); the state stays.</summary>
    /// <param name="staleOutcome">The outcome the caller got and whose value it found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>Whether this call removed the value.</returns>
    public ValueTask<bool> InvalidateAsync(Fetched<T> staleOutcome, CancellationToken cancellationToken = default) =>
        _core.InvalidateAsync(staleOutcome, cancellationToken);

    /// <summary>
    /// Replaces the state (in every process, for cluster scope). A cached value stays; the next fetch receives
    /// <paramref name="state"/>. A fetch running now does not store its next state over it.
    /// </summary>
    /// <param name="state">The new state.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    public async ValueTask PutStateAsync(S state, CancellationToken cancellationToken = default) =>
        await _core.TryWriteStateAsync((_, _) => state, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Transforms the state: <paramref name="update"/> receives the state, or the default of
    /// <typeparamref name="S"/> when there is none, and returns the new one. It may run more than once when
    /// the state changes meanwhile (another update, a fetch, another process), so it must be pure.
    /// </summary>
    /// <param name="update">From the state to the new state.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>A task that completes when the new state is stored.</returns>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    public async ValueTask UpdateStateAsync(Func<S?, S> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        await _core.TryWriteStateAsync(Untyped.Erase(update), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => "Expirable " + Key;

    async ValueTask<Fetched<object?>> IUntypedExpirable.FetchBoxedAsync(CancellationToken cancellationToken) =>
        Untyped.Box(await FetchAsync(cancellationToken).ConfigureAwait(false));

    async ValueTask<object?> IUntypedExpirable.GetBoxedAsync(CancellationToken cancellationToken) =>
        await GetAsync(cancellationToken).ConfigureAwait(false);

    void IUntypedExpirable.ClearLocal() => _core.ClearLocal();

    ValueTask<bool> IUntypedExpirable.InvalidateBoxedAsync(object? staleValue, CancellationToken cancellationToken) =>
        InvalidateAsync(Untyped.Unbox<T>(Name, staleValue), cancellationToken);
}
