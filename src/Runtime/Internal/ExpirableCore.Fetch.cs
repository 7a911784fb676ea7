using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

internal sealed partial class ExpirableCore<T>
{
    // The call of the fetch method running now, abandoned at its timeout or not: at most one at a time.
    private FetchRun? _fetchRun;

    /// <summary>Returns the cached value if still valid (checked on the precise clock), else joins or starts the single flight.</summary>
    public ValueTask<Fetched<T>> FetchSlowAsync(CancellationToken cancellationToken) =>
        TryFetchSlow(cancellationToken, out var outcome)
            ? outcome
            : throw new InvalidOperationException($"The entry '{Key}' left memory; access it through its keyed expirable.");

    /// <summary>
    /// <see cref="FetchSlowAsync"/>, or false when this core's key left memory (<see cref="TryEvictIdle"/>):
    /// the caller looks the key up again.
    /// </summary>
    public bool TryFetchSlow(CancellationToken cancellationToken, out ValueTask<Fetched<T>> result)
    {
        if (_clock.CheckIsDue)
        {
            _clock.Check();
        }

        var inside = FetchContext.Call;
        Task<Fetched<T>> outcome;
        Fetched<T>? failedAtOnce = null;
        string? cyclePath = null;
        lock (_gate)
        {
            if (_evicted)
            {
                result = default;
                return false;
            }

            ObjectDisposedException.ThrowIf(_shutDown, typeof(ExpirableRuntime));
            var now = _clock.Read();
            if (TryGetValidLocked(now, out var valid))
            {
                // Its deadline passed early (a backward clock step, a fake clock standing still): trust it again.
                // Not in its last CoarseMarginMilliseconds, where it stays on this exact path.
                if (valid.ExpiresAt is { } expiresAt
                    && (expiresAt - now.Wall).TotalMilliseconds > RuntimeClock.CoarseMarginMilliseconds
                    && now.Mono >= Volatile.Read(ref valid.CoarseDeadline))
                {
                    Volatile.Write(ref valid.CoarseDeadline, _clock.CoarseDeadline(now, expiresAt));
                }

                RecordHit();
                result = new ValueTask<Fetched<T>>(valid.Fetched);
                return true;
            }

            if (StateMissingLocked())
            {
                // Not a fetch, not a miss: the state has to be put first.
                result = new ValueTask<Fetched<T>>(Fetched.StateRequired<T>(Definition.Name));
                return true;
            }

            if (_fetchRun is { IsHanging: true } abandoned)
            {
                // No new upstream call, no new thread while the last one still hangs.
                failedAtOnce = abandoned.Refusal;
                outcome = null!;
            }
            else if (inside is not null && FetchWaitGraph.TryAddWait(inside.Slot, this) is { } cycle)
            {
                cyclePath = ExpirableCycleException.Path(cycle);
                failedAtOnce = Fetched.Failed<T>("fetch cycle: " + cyclePath, new ExpirableCycleException(cycle));
                outcome = null!;
            }
            else
            {
                outcome = JoinOrStartFlightLocked(RefreshReason.Miss, eagerEntry: null, Activity.Current?.Context ?? default).Completion.Task;
            }
        }

        ExpirableTelemetry.Add(Telemetry.Misses, _nameTag, _scopeTag);
        if (cyclePath is not null)
        {
            Log.FetchCycle(_logger, Key, cyclePath);
        }

        if (failedAtOnce is { } failed)
        {
            result = new ValueTask<Fetched<T>>(failed);
            return true;
        }

        if (inside is not null)
        {
            result = WaitInsideFetchAsync(outcome, inside.Slot, cancellationToken);
            return true;
        }

        // The caller's token ends only its own wait; the shared fetch runs on the runtime's lifetime.
        result = cancellationToken.CanBeCanceled
            ? new ValueTask<Fetched<T>>(outcome.WaitAsync(cancellationToken))
            : new ValueTask<Fetched<T>>(outcome);
        return true;
    }

    public async ValueTask<T> GetSlowAsync(CancellationToken cancellationToken) =>
        ValueOrThrow(await FetchSlowAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>What <c>GetAsync</c> returns for an outcome: its value, or an <see cref="ExpirableFetchException"/>.</summary>
    private T ValueOrThrow(Fetched<T> fetched) =>
        fetched.IsOk
            ? fetched.Value
            : throw new ExpirableFetchException(Definition.Name, fetched.Error ?? "the fetch failed", fetched.Failure, fetched.Exception);

    /// <summary>Test hook: completes when the flight running now (if any) has finished and stored its outcome.</summary>
    internal Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _flight?.Completion.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>Test hook: completes when no call of the fetch method runs, abandoned or not (late outcome handled).</summary>
    internal Task WhenFetchEndedAsync()
    {
        lock (_gate)
        {
            return _fetchRun?.WhenReleasedLocked() ?? Task.CompletedTask;
        }
    }

    private async ValueTask<Fetched<T>> WaitInsideFetchAsync(Task<Fetched<T>> outcome, IExpirableSlot waiter, CancellationToken cancellationToken)
    {
        try
        {
            return await outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            FetchWaitGraph.RemoveWait(waiter, this);
        }
    }

    private Flight JoinOrStartFlightLocked(RefreshReason reason, CacheEntry<T>? eagerEntry, ActivityContext parent)
    {
        if (_flight is { } running)
        {
            return running;
        }

        var flight = new Flight(this, _generation, reason, eagerEntry, _owner.Entry, parent);
        _flight = flight;

        // Off the caller's thread and out of its execution context: a synchronous fetcher must not run under
        // the gate nor block the caller's cancellation, and the fetch is shared, not the first caller's.
        _runtime.TrackFlight(Background.Run(() => RunFlightAsync(flight)));
        return flight;
    }

    private async Task RunFlightAsync(Flight flight)
    {
        // This flight's own execution context (Background.Run started it empty): what the store and the
        // fetch it calls see.
        FetchContext.EnterFlight(flight);
        StoreFetch<T> result;
        var lifetime = _runtime.Lifetime;
        try
        {
            result = await _store.RefreshAsync(this, flight.Reason, lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            result = new StoreFetch<T>(Fetched.Failed<T>("the expirable runtime was disposed"));
        }
#pragma warning disable CA1031 // a store failure becomes the callers' failed outcome, never an unobserved exception
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result = new StoreFetch<T>(Fetched.Failed<T>(ex.Message, ex));
        }

        var outcome = result.Outcome;

        try
        {
            lock (_gate)
            {
                if (ReferenceEquals(_flight, flight))
                {
                    _flight = null;
                }

                if (flight.Generation == _generation && !_shutDown)
                {
                    var installed = outcome.IsOk
                        && InstallLocked(outcome, result.Origin, refreshAtOnceInWindow: flight.Reason != RefreshReason.Eager);
                    if (!installed && flight.EagerEntry is { } eagerEntry)
                    {
                        // A failure, or a value that had already expired: the current value stays, retry.
                        if (outcome.IsOk)
                        {
                            Log.EagerRefreshExpired(_logger, Key);
                        }

                        ScheduleEagerRetryLocked(eagerEntry);
                    }
                }
            }
        }
#pragma warning disable CA1031 // callers must get the outcome whatever happens to the caching of it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CachingFailed(_logger, Key, ex);
        }
        finally
        {
            flight.Completion.TrySetResult(outcome);
        }

        if (result.Late is { } late)
        {
            TakeLateOutcome(flight, late);
        }
    }

    /// <summary>
    /// The store left the late outcome of a fetch abandoned at its timeout to the core: it is installed when
    /// it succeeds, unless a clear came in between (or a newer value arrived from elsewhere), before the
    /// fetch slot is freed (so no access fetches again in between).
    /// </summary>
    private void TakeLateOutcome(Flight flight, Task<Fetched<T>> late)
    {
        try
        {
            lock (_gate)
            {
                if (_fetchRun is { } run && ReferenceEquals(run.StillRunning, late))
                {
                    // Still running: FollowAbandonedAsync installs it, then frees the slot.
                    run.LateOwner = flight;
                    return;
                }

                if (late.IsCompleted)
                {
                    InstallLateLocked(flight, late.Result);
                    return;
                }
            }
        }
#pragma warning disable CA1031 // background work never throws
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CachingFailed(_logger, Key, ex);
            return;
        }

        // Returned by the store from elsewhere: install when it completes.
        _runtime.TrackBackground(InstallLateAsync(flight, late));
    }

    private async Task InstallLateAsync(Flight flight, Task<Fetched<T>> late)
    {
        var outcome = await late.ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                InstallLateLocked(flight, outcome);
            }
        }
#pragma warning disable CA1031 // background work never throws
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CachingFailed(_logger, Key, ex);
        }
    }

    private void InstallLateLocked(Flight flight, Fetched<T> outcome)
    {
        var current = _owner.Entry;
        if (outcome.IsOk
            && !_shutDown
            && flight.Generation == _generation
            && (current is null || current.Expired || ReferenceEquals(current, flight.EntryAtStart))
            && InstallLocked(outcome, origin: null, refreshAtOnceInWindow: flight.Reason != RefreshReason.Eager))
        {
            Log.LateOutcomeInstalled(_logger, Key);
        }
    }

    public async ValueTask<FetcherRun<T>> InvokeFetcherAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (StateMissingLocked())
            {
                return new FetcherRun<T>(Fetched.StateRequired<T>(Definition.Name));
            }
        }

        var (run, refusal) = await TakeFetchSlotAsync(cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new FetcherRun<T>(refusal, StillRunning: null, Refused: true);
        }

        var timeout = Definition.Timeout ?? _runtime.Options.DefaultFetchTimeout;
        var activity = ExpirableTelemetry.StartFetch(FetchContext.Flight is { } flight && ReferenceEquals(flight.Slot, this) ? flight.Parent : default);
        activity?.SetTag(_nameTag.Key, _nameTag.Value);
        activity?.SetTag(_scopeTag.Key, _scopeTag.Value);

        var started = _time.GetTimestamp();
        var abandoned = false;
        Fetched<T> outcome;
        Task<Fetched<T>>? pending = null;
        Task<Fetched<T>>? stillRunning = null;
        try
        {
            using var timeoutSource = timeout is { } t ? new LongTimeout(t, _time) : null;
            using var linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            var token = linked?.Token ?? cancellationToken;
            try
            {
                // On its own task and in its own execution context: a fetch method that blocks synchronously (a
                // sync shape, or work before its first await) without observing its token must not hold up the
                // timeout or disposal, and it sees neither the caller's context nor the store's, only its span
                // (so its own spans, an HTTP call's, are children of it) and which fetch it is (cycles).
                // WaitAsync: a fetcher that ignores its token still ends at the timeout or at disposal.
                var services = _runtime.Services;
                pending = Background.Run(() =>
                {
                    FetchContext.EnterCall(run);
                    Activity.Current = activity;
                    return _stateful is null ? _fetch!(services, token).AsTask() : InvokeStatefulAsync(run, services, token);
                });
                outcome = await pending.WaitAsync(token).ConfigureAwait(false);

                if (!outcome.IsOk && outcome.Error is null)
                {
                    outcome = Fetched.Failed<T>("the fetch method returned no outcome");
                }
            }
            catch (OperationCanceledException ex) when (timeoutSource is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
            {
                outcome = Fetched.TimedOut<T>(
                    $"the fetch timed out after {timeout!.Value}",
                    new TimeoutException($"The fetch of expirable '{Definition.Name}' timed out after {timeout.Value}.", ex));
                abandoned = true;
                stillRunning = Abandon(run, pending!, timeout.Value, started);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The runtime is being disposed: give the fetch method the chance to observe its token, so that
                // disposal ends after it, not while it still runs.
                if (pending is not null)
                {
                    using var grace = new CancellationTokenSource();
                    await Task.WhenAny(pending, Background.DelayAsync(_runtime.Options.DisposeGracePeriod, TimeProvider.System, grace.Token)).ConfigureAwait(false);
                    await grace.CancelAsync().ConfigureAwait(false);
                }

                ObserveAbandoned(pending);
                throw;
            }
#pragma warning disable CA1031 // a throwing fetch method is a failed fetch, by contract
            catch (Exception ex)
#pragma warning restore CA1031
            {
                outcome = Fetched.Failed<T>(ex.Message, ex);
            }
        }
        finally
        {
            if (!abandoned)
            {
                ReleaseFetchSlot(run);
            }
        }

        var elapsed = _time.GetElapsedTime(started);
        RecordFetch(outcome, elapsed, timeout, activity);
        ExpirableTelemetry.Stop(activity);
        return abandoned
            ? new FetcherRun<T>(outcome, stillRunning, LateNextState: () => run.NextState)
            : new FetcherRun<T>(outcome, stillRunning, NextState: run.NextState);
    }

    /// <summary>
    /// Waits until no call of the fetch method runs and takes the slot; or, when the running one was abandoned
    /// at its timeout, returns that timeout's failure without waiting.
    /// </summary>
    private async ValueTask<(FetchRun? Run, Fetched<T> Refusal)> TakeFetchSlotAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task busy;
            lock (_gate)
            {
                if (_fetchRun is not { } running)
                {
                    var run = new FetchRun(this);
                    _fetchRun = run;
                    return (run, default);
                }

                if (running.IsHanging)
                {
                    return (null, running.Refusal);
                }

                // A fetch started before a clear still runs: the next one starts when it ends (or is abandoned).
                // One abandoned that has just returned frees the slot in a moment: wait for that.
                busy = running.Abandoned ? running.WhenReleasedLocked() : running.WhenSettledLocked();
            }

            await busy.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void ReleaseFetchSlot(FetchRun run)
    {
        run.MarkEnded();
        lock (_gate)
        {
            if (ReferenceEquals(_fetchRun, run))
            {
                _fetchRun = null;
            }

            run.SettleLocked(released: true);
        }
    }

    /// <summary>
    /// Marks the running call abandoned at its timeout: it keeps the slot until it returns, and until then
    /// callers get <paramref name="timeout"/>'s failure at once. Returns the task of its late outcome.
    /// </summary>
    private Task<Fetched<T>> Abandon(FetchRun run, Task<Fetched<T>> pending, TimeSpan timeout, long started)
    {
        lock (_gate)
        {
            run.Refusal = Fetched.TimedOut<T>(
                $"the fetch timed out after {timeout} and is still running; no other fetch starts until it returns",
                new TimeoutException($"The fetch of expirable '{Definition.Name}' timed out after {timeout} and is still running."));
            run.Pending = pending;
            run.Abandoned = true;
            run.SettleLocked(released: false);
        }

        var stillRunning = FollowAbandonedAsync(run, pending, started);
        lock (_gate)
        {
            run.StillRunning = stillRunning;
        }

        return stillRunning;
    }

    /// <summary>
    /// The late outcome of an abandoned call (never faults): what it returns, or a timeout failure when it is
    /// still running <see cref="ExpirableRuntimeOptions.AbandonedFetchTimeout"/> later or the runtime is
    /// disposed. Frees the slot when either happens.
    /// </summary>
    private async Task<Fetched<T>> FollowAbandonedAsync(FetchRun run, Task<Fetched<T>> pending, long started)
    {
        Fetched<T> late;
        try
        {
            var limit = _runtime.Options.AbandonedFetchTimeout;
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(_runtime.Lifetime);
            var giveUp = limit == Timeout.InfiniteTimeSpan
                ? Task.Delay(Timeout.InfiniteTimeSpan, stopWaiting.Token)
                : Background.DelayAsync(limit, _time, stopWaiting.Token);
            var first = await Task.WhenAny(pending, giveUp).ConfigureAwait(false);
            await stopWaiting.CancelAsync().ConfigureAwait(false);
            ObserveAbandoned(giveUp);
            if (ReferenceEquals(first, pending))
            {
                late = LateOutcomeOf(pending);
                Log.AbandonedFetchReturned(_logger, Key, _time.GetElapsedTime(started), late.IsOk ? "ok" : "failed");
            }
            else
            {
                ObserveAbandoned(pending);
                if (_runtime.Lifetime.IsCancellationRequested)
                {
                    late = Fetched.Failed<T>("the expirable runtime was disposed");
                }
                else
                {
                    Log.AbandonedFetchForgotten(_logger, Key, limit);
                    late = run.Refusal;
                }
            }
        }
#pragma warning disable CA1031 // the late outcome task never faults, by contract
        catch (Exception ex)
#pragma warning restore CA1031
        {
            late = Fetched.Failed<T>(ex.Message, ex);
        }

        try
        {
            lock (_gate)
            {
                if (run.LateOwner is { } flight)
                {
                    InstallLateLocked(flight, late);
                }
            }
        }
#pragma warning disable CA1031 // the late outcome task never faults, by contract
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CachingFailed(_logger, Key, ex);
        }

        ReleaseFetchSlot(run);
        return late;
    }

    /// <summary>The outcome of a completed fetch task: a throwing fetch method is a failed fetch.</summary>
    private static Fetched<T> LateOutcomeOf(Task<Fetched<T>> completed)
    {
        if (completed.IsCompletedSuccessfully)
        {
            var outcome = completed.Result;
            return !outcome.IsOk && outcome.Error is null ? Fetched.Failed<T>("the fetch method returned no outcome") : outcome;
        }

        var ex = completed.Exception?.InnerException ?? (Exception?)completed.Exception ?? new OperationCanceledException();
        return Fetched.Failed<T>(ex.Message, ex);
    }

    private void RecordFetch(Fetched<T> outcome, TimeSpan elapsed, TimeSpan? timeout, Activity? activity)
    {
        var outcomeTag = new System.Collections.Generic.KeyValuePair<string, object?>(ExpirableTelemetry.OutcomeTag, outcome.IsOk ? "ok" : "failed");
        ExpirableTelemetry.Add(Telemetry.Fetches, _nameTag, _scopeTag, outcomeTag);
        ExpirableTelemetry.Record(Telemetry.FetchDuration, elapsed.TotalSeconds, _nameTag, _scopeTag, outcomeTag);
        activity?.SetTag(ExpirableTelemetry.OutcomeTag, outcomeTag.Value);
        if (outcome.IsOk)
        {
            Log.Fetched(_logger, Key, Definition.Scope, elapsed.TotalMilliseconds);
            return;
        }

        ExpirableTelemetry.Add(Telemetry.FetchFailures, _nameTag, _scopeTag);
        activity?.SetStatus(ActivityStatusCode.Error, outcome.Failure == FetchFailure.TimedOut ? "timed out" : "failed");
        if (outcome.Failure == FetchFailure.TimedOut && timeout is { } t)
        {
            Log.FetchTimedOut(_logger, Key, Definition.Scope, t);
        }
        else
        {
            Log.FetchFailed(_logger, Key, Definition.Scope, outcome.Error!, outcome.Exception);
        }
    }

    private static void ObserveAbandoned(Task? pending) =>
        pending?.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private sealed class Flight(ExpirableCore<T> core, long generation, RefreshReason reason, CacheEntry<T>? eagerEntry, CacheEntry<T>? entryAtStart, ActivityContext parent)
        : FlightInfo(core, parent)
    {
        public long Generation { get; } = generation;

        public RefreshReason Reason { get; } = reason;

        /// <summary>For an eager refresh: the entry it refreshes, whose retries a failure schedules.</summary>
        public CacheEntry<T>? EagerEntry { get; } = eagerEntry;

        /// <summary>The entry when the flight started: a late outcome replaces only this one (or none).</summary>
        public CacheEntry<T>? EntryAtStart { get; } = entryAtStart;

        public TaskCompletionSource<Fetched<T>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One call of the fetch method; <see cref="_fetchRun"/> while it runs.</summary>
    private sealed class FetchRun(ExpirableCore<T> core) : FetchCall(core)
    {
        /// <summary>Under the gate. Set when the call outlived its timeout and was abandoned (it still runs).</summary>
        public bool Abandoned { get; set; }

        /// <summary>Under the gate. The late outcome's task handed to whoever called InvokeFetcherAsync.</summary>
        public Task<Fetched<T>>? StillRunning { get; set; }

        /// <summary>Under the gate. Set when the store left the late outcome to the core: the flight it belongs to.</summary>
        public Flight? LateOwner { get; set; }

        /// <summary>The fetch method's task, once abandoned.</summary>
        public Task? Pending { get; set; }

        /// <summary>Under the gate. Abandoned and its fetch method still has not returned: refuse new calls.</summary>
        public bool IsHanging => Abandoned && Pending is { IsCompleted: false };

        /// <summary>What callers get while it runs abandoned.</summary>
        public Fetched<T> Refusal { get; set; }

        /// <summary>The next state a stateful fetch method returned (set before its task completes).</summary>
        public StateSnapshot? NextState { get; set; }

        // Signals made only when someone waits (rarely: a caller after a clear, a test): under the gate.
        private TaskCompletionSource? _settled;
        private TaskCompletionSource? _released;
        private bool _isSettled;
        private bool _isReleased;

        /// <summary>Completes when the call ends or is abandoned: a waiting call then takes the slot, or is refused.</summary>
        public Task WhenSettledLocked() => _isSettled ? Task.CompletedTask : (_settled ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        /// <summary>Completes when the slot is free again.</summary>
        public Task WhenReleasedLocked() => _isReleased ? Task.CompletedTask : (_released ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        /// <summary>The call ended (<paramref name="released"/>: and freed the slot) or was abandoned.</summary>
        public void SettleLocked(bool released)
        {
            _isSettled = true;
            _settled?.TrySetResult();
            if (released)
            {
                _isReleased = true;
                _released?.TrySetResult();
            }
        }
    }
}
