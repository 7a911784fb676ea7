using System;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;

namespace ExpirableStore;

/// <summary>
/// A declared value per runtime key (<c>key K</c>): per key its own value, expiry, eager refresh and single
/// flight. What the generated properties of keyed expirables return. Thread-safe; a hit costs a dictionary
/// read, no lock and no allocation. Keys leave memory when idle (<see cref="ExpirableRuntimeOptions.KeyIdleTimeout"/>).
/// </summary>
/// <typeparam name="TKey">The type of the runtime key (compared with <see cref="System.Collections.Generic.EqualityComparer{T}.Default"/>).</typeparam>
/// <typeparam name="T">The type of the value.</typeparam>
public sealed class KeyedExpirable<TKey, T> : IUntypedExpirable, IKeyedUntyped<TKey>, IKeyedAccess<TKey, T>
    where TKey : notnull
{
    private readonly KeyedFamily<TKey, T> _family;
    private readonly KeyTable<TKey, KeyCell<T>> _cells;
    private readonly Counter<long> _hits;

    internal KeyedExpirable(ExpirableRuntime runtime, string key, ExpirableDefinition definition, Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
    {
        _family = new KeyedFamily<TKey, T>(runtime, key, definition, fetch, stateful: null);
        _cells = _family.Cells;
        _hits = runtime.Telemetry.Hits;
    }

    /// <summary>The declared name.</summary>
    public string Name => _family.Definition.Name;

    /// <summary>"&lt;moduleName&gt;.&lt;name&gt;": the prefix of every key's bucket key in the cluster bucket.</summary>
    public string Key => _family.Key;

    /// <summary>The declaration.</summary>
    public ExpirableDefinition Definition => _family.Definition;

    internal KeyedFamily<TKey, T> Family => _family;

    IExpirableSlot? IUntypedExpirable.Slot => null;

    /// <summary>
    /// Returns the cached value of <paramref name="key"/>, or fetches it (one fetch for all concurrent callers of
    /// that key). A failed fetch is returned as a failed <see cref="Fetched{T}"/>, never thrown.
    /// </summary>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Ends this caller's wait only; the shared fetch goes on for the others.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<Fetched<T>> FetchAsync(TKey key, CancellationToken cancellationToken = default)
    {
        return KeyCell<T>.TryServe(_cells, _hits, key, out var entry)
            ? new ValueTask<Fetched<T>>(entry.Fetched)
            : _family.FetchSlowAsync(key, cancellationToken);
    }

    /// <summary>Returns the cached value of <paramref name="key"/>, or fetches it; throws when the fetch fails.</summary>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed (<see cref="ExpirableFetchException.Failure"/> says why).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<T> GetAsync(TKey key, CancellationToken cancellationToken = default)
    {
        return KeyCell<T>.TryServe(_cells, _hits, key, out var entry)
            ? new ValueTask<T>(entry.Value)
            : _family.GetSlowAsync(key, cancellationToken);
    }

    /// <summary>Removes the value of <paramref name="key"/> only (in every process, for cluster scope); the other keys stay.</summary>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the value is removed.</returns>
    public ValueTask ClearAsync(TKey key, CancellationToken cancellationToken = default) => _family.ClearAsync(key, cancellationToken);

    /// <summary>Removes the value of every key of this expirable (in every process, for cluster scope).</summary>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the values are removed.</returns>
    public ValueTask ClearAllAsync(CancellationToken cancellationToken = default) => _family.ClearAllAsync(cancellationToken);

    /// <summary>
    /// Compare-and-clear of one key's value (see <see cref="Expirable{T}.InvalidateAsync(T, CancellationToken)"/>):
    /// removed only if it is still <paramref name="staleValue"/>.
    /// </summary>
    /// <param name="key">The runtime key.</param>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    public ValueTask<bool> InvalidateAsync(TKey key, T staleValue, CancellationToken cancellationToken = default) =>
        _family.InvalidateAsync(key, staleValue, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => "Expirable " + Key + " (keyed)";

    ValueTask<Fetched<object?>> IUntypedExpirable.FetchBoxedAsync(CancellationToken cancellationToken) => throw Untyped.Keyed(Name);

    ValueTask<object?> IUntypedExpirable.GetBoxedAsync(CancellationToken cancellationToken) => throw Untyped.Keyed(Name);

    ValueTask IUntypedExpirable.ClearAsync(CancellationToken cancellationToken) => ClearAllAsync(cancellationToken);

    void IUntypedExpirable.ClearLocal() => _family.ClearLocal();

    ValueTask<bool> IUntypedExpirable.InvalidateBoxedAsync(object? staleValue, CancellationToken cancellationToken) => throw Untyped.Keyed(Name);

    async ValueTask<Fetched<object?>> IKeyedUntyped<TKey>.FetchBoxedAsync(TKey key, CancellationToken cancellationToken) =>
        Untyped.Box(await FetchAsync(key, cancellationToken).ConfigureAwait(false));

    async ValueTask<object?> IKeyedUntyped<TKey>.GetBoxedAsync(TKey key, CancellationToken cancellationToken) =>
        await GetAsync(key, cancellationToken).ConfigureAwait(false);
}
