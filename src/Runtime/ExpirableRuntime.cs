using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExpirableStore;

/// <summary>
/// Stores the values of every expirable built on it: in-process for scope local, and for scope cluster
/// either in a NATS JetStream KV bucket (when <see cref="ExpirableRuntimeOptions.NatsUrl"/> or <see cref="ExpirableRuntimeOptions.NatsConnection"/> is set) or
/// in-process. Dispose it to stop every timer and background refresh.
/// </summary>
public sealed class ExpirableRuntime : IAsyncDisposable, IDisposable, IClockStepHandler
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _gate = new();
    private readonly HashSet<IRuntimeMember> _members = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Task> _flights = [];
    private readonly HashSet<Task> _background = [];
    private readonly InProcessExpirableStore _localStore;
    private readonly IExpirableStore _clusterStore;
    private readonly bool _clusterInProcess;
    private readonly Task _ready;
    private int _clusterInProcessLogged;
    private int _disposed;

    private ExpirableRuntime(ExpirableRuntimeOptions options, Func<ExpirableRuntime, IExpirableStore>? clusterStoreFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Clone();
        Options.Validate();

        // Everything the runtime and its stores log goes through this: a throwing logger never escapes.
        if (Options.LoggerFactory is { } loggerFactory)
        {
            Options.LoggerFactory = new GuardedLoggerFactory(loggerFactory);
        }

        TimeProvider = Options.TimeProvider;
        Clock = new RuntimeClock(TimeProvider, this);
        Services = Options.Services ?? EmptyServiceProvider.Instance;
        Logger = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ExpirableStore");
        Telemetry = new ExpirableTelemetry(Options.MeterFactory);
        if (ClockWatchdog.Watches(TimeProvider))
        {
            ClockWatchdog.Watch(Clock);
        }

        _localStore = new InProcessExpirableStore();
        if (clusterStoreFactory is null)
        {
            _clusterStore = ClusterStoreFactory.Create(this, out _clusterInProcess);
        }
        else
        {
            _clusterStore = clusterStoreFactory(this);
        }

        _ready = StartClusterStoreAsync();
    }

    /// <summary>The clock of every expiry, timer and timeout.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Whether cluster-scoped values are shared through NATS (false: they live in this process only).</summary>
    public bool IsClustered => !_clusterInProcess;

    /// <summary>Where cluster scope stands now: in-process, connecting, connected, unreachable or disposed (what <see cref="ExpirableStoreHealthCheck"/> reports).</summary>
    public ExpirableClusterState ClusterState =>
        Volatile.Read(ref _disposed) != 0 ? ExpirableClusterState.Disposed
        : _clusterInProcess ? ExpirableClusterState.InProcess
        : _clusterStore.State is { } known ? known
        : _ready.IsCompletedSuccessfully ? ExpirableClusterState.Connected
        : _ready.IsCompleted ? ExpirableClusterState.Unreachable
        : ExpirableClusterState.Connecting;

    internal ExpirableRuntimeOptions Options { get; }

    internal IServiceProvider Services { get; }

    internal ILogger Logger { get; }

    internal ExpirableTelemetry Telemetry { get; }

    /// <summary>The runtime's clock checked against the monotonic one (clock steps; see Internal/README.md).</summary>
    internal RuntimeClock Clock { get; }

    internal CancellationToken Lifetime => _lifetime.Token;

    /// <summary>A runtime without any server: both scopes live in this process. The embedded default.</summary>
    /// <param name="time">The clock; null: <see cref="TimeProvider.System"/>. Tests pass a FakeTimeProvider.</param>
    /// <returns>A ready runtime.</returns>
    public static ExpirableRuntime InMemory(TimeProvider? time = null) =>
        new(new ExpirableRuntimeOptions { TimeProvider = time ?? TimeProvider.System });

    /// <summary>
    /// Creates a runtime and waits until it is ready: with a NATS URL, connected and holding the bucket's
    /// current values; without one, at once (cluster scope then runs in-process).
    /// </summary>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <param name="cancellationToken">Cancels the wait (and disposes the half-started runtime).</param>
    /// <returns>The ready runtime.</returns>
    public static async ValueTask<ExpirableRuntime> ConnectAsync(ExpirableRuntimeOptions options, CancellationToken cancellationToken = default)
    {
        var runtime = Start(options);
        try
        {
            await runtime.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates a runtime without waiting for it to be ready: a NATS connection, if any, is made in the
    /// background and every access that needs the store waits for it. Hits need nothing and never wait.
    /// Dependency injection uses this, since a service factory cannot await.
    /// </summary>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <returns>The runtime, possibly still connecting.</returns>
    public static ExpirableRuntime Start(ExpirableRuntimeOptions options) => new(options);

    /// <summary>Creates a runtime whose cluster scope uses the given store (tests of the store seam).</summary>
    internal static ExpirableRuntime StartWith(ExpirableRuntimeOptions options, Func<ExpirableRuntime, IExpirableStore> clusterStoreFactory) =>
        new(options, clusterStoreFactory);

    /// <summary>
    /// Waits until the runtime is ready, i.e. its cluster store has started (see <see cref="Start"/>); throws if that
    /// first attempt failed. The cluster store then keeps trying in the background and coordinates from the moment it
    /// connects; until then cluster-scoped fetches run as <see cref="ExpirableRuntimeOptions.WhenClusterUnreachable"/> says.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the runtime is ready.</returns>
    public ValueTask WaitUntilReadyAsync(CancellationToken cancellationToken = default) =>
        _ready.IsCompletedSuccessfully ? default : new ValueTask(_ready.WaitAsync(cancellationToken));

    /// <summary>
    /// Stops every timer and background refresh, and waits for running fetches to observe cancellation
    /// (their callers get a failed outcome). Accesses afterwards throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <returns>A task that completes when the runtime is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        ClockWatchdog.Unwatch(Clock);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        IRuntimeMember[] members;
        lock (_gate)
        {
            members = [.. _members];
        }

        foreach (var member in members)
        {
            member.Shutdown();
        }

        Task[] flights;
        lock (_gate)
        {
            flights = [.. _flights, .. _background];
        }

        // Flights and their follow-ups never throw: every failure becomes an outcome for their callers.
        await Task.WhenAll(flights).ConfigureAwait(false);

        try
        {
            await _ready.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a failed start was reported to every caller already
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await _clusterStore.DisposeAsync().ConfigureAwait(false);
        await _localStore.DisposeAsync().ConfigureAwait(false);
        Telemetry.Dispose();
        _lifetime.Dispose();
    }

    /// <summary>
    /// Disposes synchronously, for hosts and containers that cannot await (a <c>using</c> without
    /// <c>await</c>). Blocks until <see cref="DisposeAsync"/> has finished; prefer that one.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal IExpirableStore StoreFor(ExpirableScope scope)
    {
        if (scope == ExpirableScope.Local)
        {
            return _localStore;
        }

        if (_clusterInProcess && Interlocked.Exchange(ref _clusterInProcessLogged, 1) == 0)
        {
            Log.ClusterScopeInProcess(Logger);
        }

        return _clusterStore;
    }

    /// <summary>A cached value the runtime owns until it is disposed (or <see cref="Unregister"/>ed: a keyed entry dropped).</summary>
    internal void Register(IRuntimeMember member)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            _members.Add(member);
        }
    }

    /// <summary>How many cached values the runtime owns now (tests: keys that left memory are forgotten).</summary>
    internal int MemberCount
    {
        get
        {
            lock (_gate)
            {
                return _members.Count;
            }
        }
    }

    internal void Unregister(IRuntimeMember member)
    {
        lock (_gate)
        {
            // Keys of keyed expirables come and go by the thousand: give back the set's capacity once it is
            // four times what is left (amortised: it takes as many removals as the trim copies).
            if (_members.Remove(member) && _members.Count * 4 < _members.Capacity && _members.Capacity > 64)
            {
                _members.TrimExcess();
            }
        }
    }

    /// <summary>A flight: disposal waits for it.</summary>
    internal void TrackFlight(Task flight) => Track(_flights, flight);

    /// <summary>Work a flight leaves behind (a late outcome to install): disposal waits for it.</summary>
    internal void TrackBackground(Task work) => Track(_background, work);

    void IClockStepHandler.OnClockStepped(ClockReading now, long stepMilliseconds)
    {
        if (stepMilliseconds >= 1000)
        {
            Log.ClockStepped(Logger, TimeSpan.FromMilliseconds(stepMilliseconds));
        }

        IRuntimeMember[] members;
        lock (_gate)
        {
            members = [.. _members];
        }

        foreach (var member in members)
        {
            try
            {
                member.OnClockStepped(now);
            }
#pragma warning disable CA1031 // one value's failure must not stop the others from being checked
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.TimerFailed(Logger, (member as IExpirableSlot)?.Key ?? "?", ex);
            }
        }
    }

    private void Track(HashSet<Task> set, Task task)
    {
        lock (_gate)
        {
            if (!task.IsCompleted)
            {
                set.Add(task);
            }
        }

        task.ContinueWith(
            static (t, state) =>
            {
                var (runtime, set) = ((ExpirableRuntime, HashSet<Task>))state!;
                lock (runtime._gate)
                {
                    set.Remove(t);
                }
            },
            (this, set),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    internal IEnumerable<(IExpirableStore Store, IReadOnlyList<IExpirableSlot> Slots)> GroupByStore(IEnumerable<IExpirableSlot> slots) =>
        slots.GroupBy(slot => StoreFor(slot.Definition.Scope))
             .Select(group => (group.Key, (IReadOnlyList<IExpirableSlot>)group.ToList()));

    /// <summary>Readiness of one store: scope local never waits for the cluster store to connect.</summary>
    internal ValueTask WaitUntilStoreReadyAsync(IExpirableStore store, CancellationToken cancellationToken) =>
        ReferenceEquals(store, _localStore) ? default : WaitUntilReadyAsync(cancellationToken);

    private async Task StartClusterStoreAsync()
    {
        try
        {
            await _clusterStore.StartAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreStartFailed(Logger, ex);
            throw;
        }
    }
}
