using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal;

/// <summary>
/// Everything behind one <see cref="Expirable{T}"/> except its hit path: the replica (installed into the
/// owner's entry field), the single flight, the timers and the store. All state changes happen under
/// <see cref="_gate"/>; the hit path reads the owner's entry field without it.
/// </summary>
internal sealed partial class ExpirableCore<T> : IExpirableSlot<T>
{
    private readonly object _gate = new();
    private readonly Expirable<T> _owner;
    private readonly ExpirableRuntime _runtime;
    private readonly IExpirableStore _store;
    private readonly Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> _fetch;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _nameTag;
    private readonly KeyValuePair<string, object?> _scopeTag;

    // Bumped by every clear: a flight started before a clear must not store its value over it.
    private long _generation;
    private Flight? _flight;
    private bool _shutDown;

    public ExpirableCore(
        Expirable<T> owner,
        ExpirableRuntime runtime,
        string key,
        ExpirableDefinition definition,
        Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
    {
        _owner = owner;
        _runtime = runtime;
        Key = key;
        Definition = definition;
        _fetch = fetch;
        _time = runtime.TimeProvider;
        _logger = runtime.Logger;
        _store = runtime.StoreFor(definition.Scope);
        _nameTag = new(ExpirableTelemetry.NameTag, key);
        _scopeTag = new(ExpirableTelemetry.ScopeTag, definition.Scope == ExpirableScope.Local ? "local" : "cluster");
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
                return TryGetValidLocked(out var fetched) ? fetched : null;
            }
        }
    }

    private ExpirableTelemetry Telemetry => _runtime.Telemetry;

    /// <summary>Registers with the store; separate from the constructor so the slot is complete first.</summary>
    public void Attach() => _store.Attach(this);

    public void RecordHit() => Telemetry.Hits.Add(1, _nameTag, _scopeTag);

    public void ApplyValue(Fetched<T> value, object? origin)
    {
        if (!value.IsOk)
        {
            return;
        }

        lock (_gate)
        {
            if (!_shutDown)
            {
                InstallLocked(value, origin);
            }
        }
    }

    public void ApplyRemoval() => ClearLocal();

    public void ClearLocal()
    {
        lock (_gate)
        {
            _generation++;
            _flight = null;
            var old = _owner.Entry;
            _owner.Entry = null;
            old?.Retire();
        }
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        ClearLocal();
        await _runtime.WaitUntilStoreReadyAsync(_store, cancellationToken).ConfigureAwait(false);
        await _store.ClearAsync(this, cancellationToken).ConfigureAwait(false);
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

    private bool TryGetValidLocked(out Fetched<T> fetched)
    {
        var entry = _owner.Entry;
        if (entry is not null && !entry.Expired && (entry.ExpiresAt is not { } at || _time.GetUtcNow() < at))
        {
            fetched = entry.Fetched;
            return true;
        }

        fetched = default;
        return false;
    }

    /// <summary>Makes <paramref name="fetched"/> the replica; false when it is already expired (then it is not cached).</summary>
    /// <param name="fetched">The value.</param>
    /// <param name="origin">The store's identity of the value.</param>
    /// <param name="refreshAtOnceInWindow">
    /// Whether a value already inside its eager window starts a refresh right away. Not for the outcome of
    /// an eager refresh: a source whose values live shorter than the window would be refetched in a loop.
    /// </param>
    private bool InstallLocked(Fetched<T> fetched, object? origin, bool refreshAtOnceInWindow = true)
    {
        var old = _owner.Entry;
        if (fetched.ExpiresAt is { } expiresAt)
        {
            var now = _time.GetUtcNow();
            var remaining = expiresAt - now;
            if (remaining <= TimeSpan.Zero)
            {
                Log.FetchedAlreadyExpired(_logger, Key);
                return false;
            }

            var coarseDeadline = Environment.TickCount64 + (long)remaining.TotalMilliseconds - CacheEntry<T>.CoarseMarginMilliseconds;
            var entry = new CacheEntry<T>(fetched, coarseDeadline, _time, origin);

            // The timer keeps the entry alive, never the core or the runtime.
            entry.ExpiryTimer = _time.CreateTimer(CacheEntry<T>.OnExpiryTimer, entry, CacheEntry<T>.TimerDelay(remaining), Timeout.InfiniteTimeSpan);
            _owner.Entry = entry;
            old?.Retire();
            if (Definition.Refresh == RefreshMode.Eager)
            {
                ArmEagerLocked(entry, expiresAt - Definition.EagerBefore!.Value - now, refreshAtOnceInWindow);
            }

            return true;
        }

        // Forever: no timer at all, and a deadline the coarse clock never reaches.
        _owner.Entry = new CacheEntry<T>(fetched, long.MaxValue, time: null, origin);
        old?.Retire();
        return true;
    }
}
