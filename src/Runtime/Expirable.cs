using System;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;

namespace ExpirableStore;

/// <summary>
/// One declared value: what the generated properties return. Thread-safe; a hit on a cached value
/// costs no lock, no allocation and no precise clock read.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
public sealed class Expirable<T> : IUntypedExpirable, IEntryCell<T>, IExpirableAccess<T>
{
    // The replica the hit path reads: one volatile reference to an immutable entry, replaced as a whole.
    internal volatile CacheEntry<T>? Entry;

    private readonly ExpirableCore<T> _core;
    private readonly Counter<long> _hits;

    internal Expirable(ExpirableRuntime runtime, string key, ExpirableDefinition definition, Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
    {
        _core = new ExpirableCore<T>(this, runtime, key, definition, fetch);
        _hits = runtime.Telemetry.Hits;
        runtime.Register(_core);
        _core.Attach();
    }

    /// <summary>The declared name.</summary>
    public string Name => _core.Definition.Name;

    /// <summary>"&lt;moduleName&gt;.&lt;name&gt;": the key of the value in the cluster bucket.</summary>
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
    /// Returns the cached value, or fetches it (one fetch for all concurrent callers).
    /// A failed fetch is returned as a failed <see cref="Fetched{T}"/>, never thrown.
    /// </summary>
    /// <param name="cancellationToken">Ends this caller's wait only; the shared fetch goes on for the others.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<Fetched<T>> FetchAsync(CancellationToken cancellationToken = default)
    {
        var entry = Entry;
        if (entry is not null && !entry.Expired)
        {
            // Coarse and monotonic, so no precise clock read; trusted only while the last check of the
            // runtime's clock against the monotonic one is recent enough (see RuntimeClock).
            var now = Environment.TickCount64;
            if (now < Volatile.Read(ref entry.CoarseDeadline) && now < entry.Clock.TrustedUntil)
            {
                if (_hits.Enabled)
                {
                    _core.RecordHit();
                }

                return new ValueTask<Fetched<T>>(entry.Fetched);
            }
        }

        return _core.FetchSlowAsync(cancellationToken);
    }

    /// <summary>Returns the cached value, or fetches it; throws when the fetch fails.</summary>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        var entry = Entry;
        if (entry is not null && !entry.Expired)
        {
            var now = Environment.TickCount64;
            if (now < Volatile.Read(ref entry.CoarseDeadline) && now < entry.Clock.TrustedUntil)
            {
                if (_hits.Enabled)
                {
                    _core.RecordHit();
                }

                return new ValueTask<T>(entry.Value);
            }
        }

        return _core.GetSlowAsync(cancellationToken);
    }

    /// <summary>Removes the value (in every process, for cluster scope) and cancels a pending eager refresh; the next access fetches.</summary>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the value is removed.</returns>
    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => _core.ClearAsync(cancellationToken);

    /// <summary>
    /// Compare-and-clear, for a value the caller found bad (an access token its API rejected with 401):
    /// removes the cached value only if it is still <paramref name="staleValue"/> (compared with
    /// <see cref="System.Collections.Generic.EqualityComparer{T}.Default"/>: the same instance for a class without
    /// its own equality), exactly as <see cref="ClearAsync"/> would (in every process, for cluster scope).
    /// If the value was already replaced or removed, nothing happens, so any number of callers that reject
    /// the same value cause one refetch: <c>await x.InvalidateAsync(token); token = await x.GetAsync();</c>.
    /// </summary>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value (false: it had already been replaced or removed).</returns>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    public ValueTask<bool> InvalidateAsync(T staleValue, CancellationToken cancellationToken = default) =>
        _core.InvalidateAsync(staleValue, cancellationToken);

    /// <summary>
    /// Compare-and-clear by outcome: as <see cref="InvalidateAsync(T, CancellationToken)"/>, but the cached
    /// value is removed only if it is the very fetch <paramref name="staleOutcome"/> (from
    /// <see cref="FetchAsync"/>) came from, not merely an equal value. Prefer it when you have the outcome:
    /// an upstream that hands out the same token again is then refetched once, not once per rejecting caller.
    /// </summary>
    /// <param name="staleOutcome">The outcome the caller got and whose value it found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    /// <exception cref="ObjectDisposedException">The runtime was disposed.</exception>
    public ValueTask<bool> InvalidateAsync(Fetched<T> staleOutcome, CancellationToken cancellationToken = default) =>
        _core.InvalidateAsync(staleOutcome, cancellationToken);

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
