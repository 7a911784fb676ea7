using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal;

/// <summary>
/// Everything behind one cached value except its hit path: the replica (published in the owner's entry
/// cell, <see cref="IEntryCell{T}"/>), the single flight, the one running call of the fetch method, the
/// timers and the store. All state changes happen under <see cref="_gate"/>; the hit path reads the entry
/// cell without it. Nothing here assumes one core per <see cref="Expirable{T}"/>: a keyed expirable has one
/// per key, created and dropped at run time (<see cref="IRuntimeMember"/>).
/// </summary>
internal sealed partial class ExpirableCore<T> : IExpirableSlot<T>, IRuntimeMember
{
    private readonly object _gate = new();
    private readonly IEntryCell<T> _owner;
    private readonly ExpirableRuntime _runtime;
    private readonly IExpirableStore _store;
    private readonly Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>>? _fetch;
    private readonly TimeProvider _time;
    private readonly RuntimeClock _clock;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _nameTag;
    private readonly KeyValuePair<string, object?> _scopeTag;

    // Bumped by every clear: a flight started before a clear must not store its value over it.
    private long _generation;
    private Flight? _flight;
    private bool _shutDown;

    // A key of a keyed expirable that left memory: every later access goes to the key's new core.
    private bool _evicted;

    public ExpirableCore(
        IEntryCell<T> owner,
        ExpirableRuntime runtime,
        string key,
        ExpirableDefinition definition,
        Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
        : this(owner, runtime, key, key, definition, fetch, stateful: null, initialState: null)
    {
    }

    /// <param name="owner">Where the entry is published for the hit path.</param>
    /// <param name="runtime">The runtime.</param>
    /// <param name="key">The store's key: "&lt;module&gt;.&lt;name&gt;", plus ".&lt;encoded key&gt;" for a key of a keyed expirable.</param>
    /// <param name="metricName">The name in metrics: "&lt;module&gt;.&lt;name&gt;" (never per key: bounded cardinality).</param>
    /// <param name="definition">The declaration.</param>
    /// <param name="fetch">The stateless fetch; null iff <paramref name="stateful"/> is set.</param>
    /// <param name="stateful">The stateful fetch.</param>
    /// <param name="initialState">The state to start with (a key that left memory and came back).</param>
    public ExpirableCore(
        IEntryCell<T> owner,
        ExpirableRuntime runtime,
        string key,
        string metricName,
        ExpirableDefinition definition,
        Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>>? fetch,
        StatefulFetch<T>? stateful,
        StateSnapshot? initialState)
    {
        _owner = owner;
        _runtime = runtime;
        Key = key;
        Definition = definition;
        _fetch = fetch;
        _stateful = stateful;
        if (initialState is { } state)
        {
            _state = state.Value;
            _hasState = true;
        }
        _time = runtime.TimeProvider;
        _clock = runtime.Clock;
        _logger = runtime.Logger;
        _store = runtime.StoreFor(definition.Scope);
        _nameTag = new(ExpirableTelemetry.NameTag, metricName);
        _scopeTag = ExpirableTelemetry.ScopeTagOf(definition.Scope);

        // Processes sharing a bucket must not all refresh at the same instant (see ArmEagerLocked).
        _eagerJitter = definition.Refresh == RefreshMode.Eager && definition.Scope == ExpirableScope.Cluster && runtime.IsClustered;
    }

    public string Key { get; }

    public ExpirableDefinition Definition { get; }

    public Type ValueType => typeof(T);

    public Fetched<T>? Current
    {
        get
        {
            lock (_gate)
            {
                return TryGetValidLocked(_clock.Read(), out var entry) ? entry.Fetched : null;
            }
        }
    }

    private ExpirableTelemetry Telemetry => _runtime.Telemetry;

    /// <summary>Registers with the store; separate from the constructor so the slot is complete first.</summary>
    public void Attach() => _store.Attach(this);

    public void RecordHit() => ExpirableTelemetry.Add(Telemetry.Hits, _nameTag, _scopeTag);

    public void ApplyValue(Fetched<T> value, object? origin)
    {
        if (!value.IsOk)
        {
            return;
        }

        lock (_gate)
        {
            if (!_shutDown && !_evicted)
            {
                InstallLocked(value, origin, refreshAtOnceInWindow: false);
            }
        }
    }

    public void ApplyRemoval() => ClearLocal();

    /// <summary>Drops the value and the state (a clear): the next access fetches with the default state, or needs one put.</summary>
    public void ClearLocal()
    {
        lock (_gate)
        {
            DropLocked();
            ResetStateLocked();
        }
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        ClearLocal();
        await _runtime.WaitUntilStoreReadyAsync(_store, cancellationToken).ConfigureAwait(false);
        await _store.ClearAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Compare-and-clear: drops the value only if it is still <paramref name="staleValue"/> (by
    /// <see cref="EqualityComparer{T}.Default"/>), exactly as <see cref="ClearAsync"/> would, and then asks the
    /// store to drop that same value everywhere. A newer value, or none, is left alone.
    /// </summary>
    /// <returns>Whether this call dropped the value here.</returns>
    public ValueTask<bool> InvalidateAsync(T staleValue, CancellationToken cancellationToken) =>
        InvalidateAsync(static (entry, stale) => EqualityComparer<T>.Default.Equals(entry.Value, stale.Value), Fetched.Forever(staleValue), cancellationToken);

    /// <summary>
    /// Compare-and-clear by outcome: drops the value only if it is still the one <paramref name="staleOutcome"/>
    /// came from (the same fetch, not merely an equal value), so an upstream that hands out the same token
    /// again is not refetched once per rejecting caller.
    /// </summary>
    /// <returns>Whether this call dropped the value here.</returns>
    public ValueTask<bool> InvalidateAsync(Fetched<T> staleOutcome, CancellationToken cancellationToken) =>
        InvalidateAsync(static (entry, stale) => entry.Fetched.IsSameFetch(stale), staleOutcome, cancellationToken);

    private async ValueTask<bool> InvalidateAsync(Func<CacheEntry<T>, Fetched<T>, bool> matches, Fetched<T> stale, CancellationToken cancellationToken)
    {
        object? origin;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_shutDown, typeof(ExpirableRuntime));
            var entry = _owner.Entry;
            if (entry is null || !matches(entry, stale))
            {
                return false;
            }

            origin = entry.Origin;
            DropLocked();
        }

        await _runtime.WaitUntilStoreReadyAsync(_store, cancellationToken).ConfigureAwait(false);
        await _store.InvalidateAsync(this, origin, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runtime disposal: stop the timers and send every later access to the slow path, which throws.</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            _shutDown = true;
            _generation++;
            var old = _owner.Entry;
            _owner.Entry = null;
            old?.Retire();
        }
    }

    /// <summary>
    /// The runtime's clock moved ahead of the monotonic clock: the coarse deadline and the timers of the
    /// entry were computed for the old offset. Expire it if it is past ExpiresAt now, else recompute its
    /// deadline and bring its eager refresh forward to where the clock now says it is due.
    /// </summary>
    public void OnClockStepped(ClockReading now)
    {
        lock (_gate)
        {
            var entry = _owner.Entry;
            if (_shutDown || entry is null || entry.Expired || entry.ExpiresAt is not { } expiresAt)
            {
                return;
            }

            if (now.Wall >= expiresAt)
            {
                entry.Expired = true;
                return;
            }

            Volatile.Write(ref entry.CoarseDeadline, _clock.CoarseDeadline(now, expiresAt));
            RearmEagerAfterClockStepLocked(entry, now.Wall);
        }
    }

    /// <summary>
    /// Takes this key out of memory if nothing runs for it (no flight, no call of the fetch method, abandoned
    /// or not): drops the value and stops its timers; a caller that still holds the core is sent to the
    /// key's next core (<see cref="TryFetchSlow"/>). Returns false, changing nothing, when something runs.
    /// </summary>
    /// <param name="state">The state the key had, for its next core; null when none.</param>
    public bool TryEvictIdle(out StateSnapshot? state)
    {
        lock (_gate)
        {
            state = null;
            if (_shutDown || _evicted || _flight is not null || _fetchRun is not null)
            {
                return false;
            }

            _evicted = true;
            if (_hasState)
            {
                state = new StateSnapshot(_state);
            }

            DropLocked();
            return true;
        }
    }

    private void DropLocked()
    {
        _generation++;
        _flight = null;
        var old = _owner.Entry;
        _owner.Entry = null;
        old?.Retire();
    }

    /// <summary>The entry if its value is still valid at <paramref name="now"/> by the runtime's clock (exact, not coarse).</summary>
    private bool TryGetValidLocked(ClockReading now, out CacheEntry<T> valid)
    {
        var entry = _owner.Entry;
        if (entry is not null && !entry.Expired && (entry.ExpiresAt is not { } at || now.Wall < at))
        {
            valid = entry;
            return true;
        }

        valid = null!;
        return false;
    }

    /// <summary>
    /// Makes <paramref name="fetched"/> the replica; false when it is already expired (then it is not cached).
    /// </summary>
    /// <param name="fetched">The value.</param>
    /// <param name="origin">The store's identity of the value.</param>
    /// <param name="refreshAtOnceInWindow">
    /// Whether a value already inside its eager window starts a refresh right away. Not for the outcome of
    /// an eager refresh, nor for a value fetched elsewhere: a source whose values live shorter than the
    /// window would be refetched in a loop.
    /// </param>
    private bool InstallLocked(Fetched<T> fetched, object? origin, bool refreshAtOnceInWindow = true)
    {
        var old = _owner.Entry;
        if (fetched.ExpiresAt is { } expiresAt)
        {
            var now = _clock.Read();
            if (expiresAt <= now.Wall)
            {
                Log.FetchedAlreadyExpired(_logger, Key);
                return false;
            }

            var entry = new CacheEntry<T>(fetched, _clock.CoarseDeadline(now, expiresAt), _clock, _time, origin);

            // The timer keeps the entry alive, never the core or the runtime.
            entry.ExpiryTimer = Background.CreateTimerAt(_time, CacheEntry<T>.OnExpiryTimer, entry, expiresAt, now.Wall);
            if (entry.ExpiryTimer is null)
            {
                // The clock passed the expiry while the timer was being armed.
                Log.FetchedAlreadyExpired(_logger, Key);
                return false;
            }

            _owner.Entry = entry;
            old?.Retire();
            if (Definition.Refresh == RefreshMode.Eager)
            {
                ArmEagerLocked(entry, now.Wall, refreshAtOnceInWindow);
            }

            return true;
        }

        _owner.Entry = new CacheEntry<T>(fetched, origin);
        old?.Retire();
        return true;
    }
}

/// <summary>
/// Where a core publishes its entry for the hit path to read: the <see cref="Expirable{T}"/> itself, or
/// (keyed expirables) the cell of one key. The hit path reads the field directly; the core goes through this.
/// </summary>
internal interface IEntryCell<T>
{
    CacheEntry<T>? Entry { get; set; }
}

/// <summary>What the runtime asks of every cached value it owns (one per expirable, or per key of a keyed one).</summary>
internal interface IRuntimeMember
{
    /// <summary>Runtime disposal.</summary>
    void Shutdown();

    /// <summary>The runtime's clock moved ahead of the monotonic clock (see <see cref="RuntimeClock"/>).</summary>
    void OnClockStepped(ClockReading now);
}
