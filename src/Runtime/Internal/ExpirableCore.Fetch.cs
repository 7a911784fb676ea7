using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

internal sealed partial class ExpirableCore<T>
{
    /// <summary>Returns the cached value if still valid (checked on the precise clock), else joins or starts the single flight.</summary>
    public ValueTask<Fetched<T>> FetchSlowAsync(CancellationToken cancellationToken)
    {
        Task<Fetched<T>> outcome;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_shutDown, typeof(ExpirableRuntime));
            if (TryGetValidLocked(out var fetched))
            {
                if (Telemetry.Hits.Enabled)
                {
                    RecordHit();
                }

                return new ValueTask<Fetched<T>>(fetched);
            }

            outcome = JoinOrStartFlightLocked(RefreshReason.Miss, eagerEntry: null);
        }

        if (Telemetry.Misses.Enabled)
        {
            Telemetry.Misses.Add(1, _nameTag, _scopeTag);
        }

        // The caller's token ends only its own wait; the shared fetch runs on the runtime's lifetime.
        return cancellationToken.CanBeCanceled
            ? new ValueTask<Fetched<T>>(outcome.WaitAsync(cancellationToken))
            : new ValueTask<Fetched<T>>(outcome);
    }

    public async ValueTask<T> GetSlowAsync(CancellationToken cancellationToken)
    {
        var fetched = await FetchSlowAsync(cancellationToken).ConfigureAwait(false);
        return fetched.IsOk
            ? fetched.Value
            : throw new ExpirableFetchException(Definition.Name, fetched.Error ?? "the fetch failed", fetched.Exception);
    }

    /// <summary>Test hook: completes when the flight running now (if any) has finished and stored its outcome.</summary>
    internal Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _flight?.Completion.Task ?? Task.CompletedTask;
        }
    }

    private Task<Fetched<T>> JoinOrStartFlightLocked(RefreshReason reason, CacheEntry<T>? eagerEntry)
    {
        if (_flight is { } running)
        {
            return running.Completion.Task;
        }

        var flight = new Flight(_generation, reason, eagerEntry);
        _flight = flight;

        // Off the caller's thread: a synchronous fetcher must not run under the gate nor block the caller's cancellation.
        _runtime.TrackFlight(Task.Run(() => RunFlightAsync(flight)));
        return flight.Completion.Task;
    }

    private async Task RunFlightAsync(Flight flight)
    {
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
                    if (outcome.IsOk)
                    {
                        InstallLocked(outcome, result.Origin, refreshAtOnceInWindow: flight.Reason != RefreshReason.Eager);
                    }
                    else if (flight.EagerEntry is { } eagerEntry)
                    {
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
    }

    public async ValueTask<FetcherRun<T>> InvokeFetcherAsync(CancellationToken cancellationToken)
    {
        var timeout = Definition.Timeout ?? _runtime.Options.DefaultFetchTimeout;
        using var activity = ExpirableTelemetry.ActivitySource.StartActivity("expirable.fetch", ActivityKind.Internal);
        activity?.SetTag(_nameTag.Key, _nameTag.Value);
        activity?.SetTag(_scopeTag.Key, _scopeTag.Value);

        var started = _time.GetTimestamp();
        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t, _time) : null;
        using var linked = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var token = linked?.Token ?? cancellationToken;

        Fetched<T> outcome;
        Task<Fetched<T>>? pending = null;
        Task<Fetched<T>>? stillRunning = null;
        try
        {
            // On its own task: a fetch method that blocks synchronously (a sync shape, or work before its first
            // await) without observing its token must not hold up the timeout or disposal. WaitAsync: a
            // fetcher that ignores its token still ends at the timeout or at disposal.
            var services = _runtime.Services;
            pending = Task.Run(() => _fetch(services, token).AsTask(), CancellationToken.None);
            outcome = await pending.WaitAsync(token).ConfigureAwait(false);

            if (!outcome.IsOk && outcome.Error is null)
            {
                outcome = Fetched.Failed<T>("the fetch method returned no outcome");
            }
        }
        catch (OperationCanceledException ex) when (timeoutSource is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            stillRunning = LateOutcomeOf(pending!);
            outcome = Fetched.Failed<T>(
                $"the fetch timed out after {timeout!.Value}",
                new TimeoutException($"The fetch of expirable '{Definition.Name}' timed out after {timeout.Value}.", ex));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The runtime is being disposed: give the fetch method the chance to observe its token, so that
            // disposal ends after it, not while it still runs.
            if (pending is not null)
            {
                using var grace = new CancellationTokenSource();
                await Task.WhenAny(pending, Task.Delay(_runtime.Options.DisposeGracePeriod, TimeProvider.System, grace.Token)).ConfigureAwait(false);
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

        var elapsed = _time.GetElapsedTime(started);
        RecordFetch(outcome, elapsed, timeout, activity);
        return new FetcherRun<T>(outcome, stillRunning);
    }

    /// <summary>The outcome a fetch abandoned at its timeout ends with, as a task that never faults.</summary>
    private static async Task<Fetched<T>> LateOutcomeOf(Task<Fetched<T>> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a throwing fetch method is a failed fetch, by contract
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Fetched.Failed<T>(ex.Message, ex);
        }
    }

    private void RecordFetch(Fetched<T> outcome, TimeSpan elapsed, TimeSpan? timeout, Activity? activity)
    {
        var outcomeTag = new System.Collections.Generic.KeyValuePair<string, object?>(ExpirableTelemetry.OutcomeTag, outcome.IsOk ? "ok" : "failed");
        Telemetry.Fetches.Add(1, _nameTag, _scopeTag, outcomeTag);
        Telemetry.FetchDuration.Record(elapsed.TotalSeconds, _nameTag, _scopeTag, outcomeTag);
        activity?.SetTag(ExpirableTelemetry.OutcomeTag, outcomeTag.Value);
        if (outcome.IsOk)
        {
            Log.Fetched(_logger, Key, Definition.Scope, elapsed.TotalMilliseconds);
            return;
        }

        Telemetry.FetchFailures.Add(1, _nameTag, _scopeTag);
        activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        if (outcome.Exception is TimeoutException && timeout is { } t)
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

    private sealed class Flight(long generation, RefreshReason reason, CacheEntry<T>? eagerEntry)
    {
        public long Generation { get; } = generation;

        public RefreshReason Reason { get; } = reason;

        /// <summary>For an eager refresh: the entry it refreshes, whose retries a failure schedules.</summary>
        public CacheEntry<T>? EagerEntry { get; } = eagerEntry;

        public TaskCompletionSource<Fetched<T>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
