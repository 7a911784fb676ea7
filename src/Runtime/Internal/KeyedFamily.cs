using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>
/// The keys of one keyed expirable: one <see cref="ExpirableCore{T}"/> per key, created on the first access
/// and dropped when the key is idle (<see cref="ExpirableRuntimeOptions.KeyIdleTimeout"/>). The hit path reads
/// <see cref="Cells"/> without any lock; creating and dropping a key's core happen under <see cref="_keysGate"/>,
/// so a key never has two cores and a state parked by a key that left is handed to its next core.
/// </summary>
internal sealed class KeyedFamily<TKey, T> : IRuntimeMember, ExpirableTelemetry.IKeyCount
    where TKey : notnull
{
    /// <summary>How soon an idle key whose fetch ran at the sweep is tried again.</summary>
    internal static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(1);

    private static readonly TimerCallback OnSweepTimer = static state =>
    {
        if (((WeakReference<KeyedFamily<TKey, T>>)state!).TryGetTarget(out var family))
        {
            family.Sweep();
        }
    };

    private readonly object _keysGate = new();
    private readonly ExpirableRuntime _runtime;
    private readonly Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>>? _fetch;
    private readonly Func<TKey, StatefulFetch<T>>? _stateful;

    // In-process stores only: the state of a key that left memory, until the key comes back or is cleared.
    private readonly ConcurrentDictionary<TKey, StateSnapshot> _parked = new();
    private readonly ITimer _sweeper;

    // Idle keys whose fetch ran at the last sweep: tried again every BusyRetry. Under _keysGate.
    private readonly HashSet<TKey> _busy = [];
    private DateTimeOffset _nextFullSweep;
    private bool _shutDown;

    public KeyedFamily(
        ExpirableRuntime runtime,
        string key,
        ExpirableDefinition definition,
        Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>>? fetch,
        Func<TKey, StatefulFetch<T>>? stateful)
    {
        _runtime = runtime;
        Key = key;
        Definition = definition;
        _fetch = fetch;
        _stateful = stateful;
        Store = runtime.StoreFor(definition.Scope);
        NameTag = new(ExpirableTelemetry.NameTag, key);
        ScopeTag = ExpirableTelemetry.ScopeTagOf(definition.Scope);
        runtime.Register(this);
        runtime.Telemetry.TrackKeys(this);
        _nextFullSweep = runtime.TimeProvider.GetUtcNow() + runtime.Options.KeyIdleTimeout;
        _sweeper = Background.CreateTimer(runtime.TimeProvider, OnSweepTimer, new WeakReference<KeyedFamily<TKey, T>>(this), runtime.Options.KeyIdleTimeout);
    }

    /// <summary>What the hit path reads: every key in memory. Written under <see cref="_keysGate"/> only.</summary>
    public KeyTable<TKey, KeyCell<T>> Cells { get; } = new();

    /// <summary>"&lt;module&gt;.&lt;name&gt;": the prefix of every key's bucket key, and the name in metrics.</summary>
    public string Key { get; }

    public ExpirableDefinition Definition { get; }

    public IExpirableStore Store { get; }

    /// <summary>The number of keys in memory (the <c>expirable.keys</c> metric, tests).</summary>
    public int Count => Cells.Count;

    public KeyValuePair<string, object?> NameTag { get; }

    public KeyValuePair<string, object?> ScopeTag { get; }

    /// <summary>The cell of <paramref name="key"/>, created (with its core) when the key is not in memory.</summary>
    public KeyCell<T> GetOrCreate(TKey key)
    {
        if (Cells.TryGetValue(key, out var cell))
        {
            return cell;
        }

        lock (_keysGate)
        {
            ObjectDisposedException.ThrowIf(_shutDown, typeof(ExpirableRuntime));
            if (Cells.TryGetValue(key, out cell))
            {
                return cell;
            }

            cell = new KeyCell<T> { Touched = true };
            StateSnapshot? parked = _parked.TryRemove(key, out var state) ? state : null;
            var storeKey = Key + "." + KeyEncoding.Encode(key);
            var core = _stateful is { } stateful
                ? new ExpirableCore<T>(cell, _runtime, storeKey, Key, Definition, fetch: null, stateful(key), parked)
                : new ExpirableCore<T>(cell, _runtime, storeKey, Key, Definition, BindKey(_fetch!, key), stateful: null, initialState: null);
            cell.Core = core;
            _runtime.Register(core);
            core.Attach();
            Cells.Add(key, cell);
            return cell;
        }
    }

    /// <summary>The slow path of a read: the key's core, created if needed; again if the key left memory meanwhile.</summary>
    public ValueTask<Fetched<T>> FetchSlowAsync(TKey key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var cell = GetOrCreate(key);
            cell.Touched = true;
            if (cell.Core.TryFetchSlow(cancellationToken, out var outcome))
            {
                return outcome;
            }
        }
    }

    public async ValueTask<T> GetSlowAsync(TKey key, CancellationToken cancellationToken)
    {
        var fetched = await FetchSlowAsync(key, cancellationToken).ConfigureAwait(false);
        return fetched.IsOk
            ? fetched.Value
            : throw new ExpirableFetchException(Definition.Name, fetched.Error ?? "the fetch failed", fetched.Failure, fetched.Exception);
    }

    /// <summary>Clears one key: its value and its state, everywhere.</summary>
    public ValueTask ClearAsync(TKey key, CancellationToken cancellationToken)
    {
        _parked.TryRemove(key, out _);
        return GetOrCreate(key).Core.ClearAsync(cancellationToken);
    }

    /// <summary>Drops every key's value and state in this process.</summary>
    public void ClearLocal()
    {
        lock (_keysGate)
        {
            _parked.Clear();
            foreach (var (_, cell) in Cells.ToList())
            {
                cell.Core.ClearLocal();
            }
        }
    }

    /// <summary>Clears every key: in this process, then in the store (every key under "&lt;module&gt;.&lt;name&gt;.").</summary>
    public async ValueTask ClearAllAsync(CancellationToken cancellationToken)
    {
        ClearLocal();
        await _runtime.WaitUntilStoreReadyAsync(Store, cancellationToken).ConfigureAwait(false);
        await Store.ClearAllAsync(Key + ".", [], cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<bool> InvalidateAsync(TKey key, T staleValue, CancellationToken cancellationToken) =>
        Cells.TryGetValue(key, out var cell) ? cell.Core.InvalidateAsync(staleValue, cancellationToken) : new ValueTask<bool>(false);

    /// <summary>A put or an update of one key's state (see <see cref="ExpirableCore{T}.TryWriteStateAsync"/>).</summary>
    public async ValueTask WriteStateAsync(TKey key, Func<bool, object?, object?> update, CancellationToken cancellationToken)
    {
        while (!await GetOrCreate(key).Core.TryWriteStateAsync(update, cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>
    /// Every <see cref="ExpirableRuntimeOptions.KeyIdleTimeout"/>: a key read since the last sweep is marked
    /// unread; a key still unread (no read for a whole period) leaves memory. One whose fetch runs then (an
    /// eager refresh) leaves as soon as it has ended: it is tried again every <see cref="BusyRetry"/> until it
    /// leaves or is read.
    /// </summary>
    internal void Sweep()
    {
        var due = _runtime.Options.KeyIdleTimeout;
        try
        {
            lock (_keysGate)
            {
                if (_shutDown)
                {
                    return;
                }

                var now = _runtime.TimeProvider.GetUtcNow();
                if (now >= _nextFullSweep)
                {
                    _nextFullSweep = now + due;
                    _busy.Clear();
                    foreach (var (key, cell) in Cells.ToList())
                    {
                        if (cell.Touched)
                        {
                            cell.Touched = false;
                        }
                        else if (!TryEvictLocked(key, cell))
                        {
                            _busy.Add(key);
                        }
                    }
                }
                else
                {
                    _busy.RemoveWhere(key => !Cells.TryGetValue(key, out var cell) || cell.Touched || TryEvictLocked(key, cell));
                }

                Cells.Trim();

                due = _busy.Count > 0 && _nextFullSweep - now > BusyRetry ? BusyRetry : _nextFullSweep - now;
            }
        }
#pragma warning disable CA1031 // a timer callback never throws; the next sweep tries again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.TimerFailed(_runtime.Logger, Key, ex);
        }
        finally
        {
            lock (_keysGate)
            {
                if (!_shutDown)
                {
                    _sweeper.Change(Background.TimerDelay(due), Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Test hook: a full sweep now.</summary>
    internal void SweepNow()
    {
        lock (_keysGate)
        {
            _nextFullSweep = DateTimeOffset.MinValue;
        }

        Sweep();
    }

    private bool TryEvictLocked(TKey key, KeyCell<T> cell)
    {
        if (!cell.Core.TryEvictIdle(out var state))
        {
            return false;
        }

        Cells.Remove(key, cell);
        _runtime.Unregister(cell.Core);
        Store.Detach(cell.Core);

        // A store that keeps no state of its own (in-process) would lose it: park it here.
        if (state is { } kept && Store is InProcessExpirableStore)
        {
            _parked[key] = kept;
        }

        return true;
    }

    /// <summary>Test hook: the state parked for a key out of memory.</summary>
    internal bool IsParked(TKey key) => _parked.ContainsKey(key);

    public void Shutdown()
    {
        lock (_keysGate)
        {
            _shutDown = true;
            _sweeper.Dispose();
        }

        _runtime.Telemetry.UntrackKeys(this);
    }

    public void OnClockStepped(ClockReading now)
    {
        // Every key's core is a member of the runtime itself.
    }

    private static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> BindKey(Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch, TKey key) =>
        (services, cancellationToken) => fetch(key, services, cancellationToken);
}

/// <summary>One key of a keyed expirable as the hit path sees it.</summary>
internal sealed class KeyCell<T> : IEntryCell<T>
{
    // Read by the hit path without a lock, like Expirable<T>.Entry.
    internal volatile CacheEntry<T>? Entry;

    /// <summary>Read since the last sweep. Set by reads only when unset, so a hot key's hits write nothing.</summary>
    internal bool Touched;

    internal ExpirableCore<T> Core = null!;

    /// <summary>
    /// The hit path of every keyed accessor: the key's cell read without a lock, its entry servable (see
    /// <see cref="CacheEntry{T}.IsServable"/>), the read noted for the idle sweep and the hit counted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryServe<TKey>(KeyTable<TKey, KeyCell<T>> cells, Counter<long> hits, TKey key, [NotNullWhen(true)] out CacheEntry<T>? entry)
        where TKey : notnull
    {
        if (cells.TryGetValue(key, out var cell))
        {
            entry = cell.Entry;
            if (CacheEntry<T>.IsServable(entry))
            {
                if (!cell.Touched)
                {
                    cell.Touched = true;
                }

                if (hits.Enabled)
                {
                    cell.Core.RecordHit();
                }

                return true;
            }
        }

        entry = null;
        return false;
    }

    CacheEntry<T>? IEntryCell<T>.Entry
    {
        get => Entry;
        set => Entry = value;
    }
}
