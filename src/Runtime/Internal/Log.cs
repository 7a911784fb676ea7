using System;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal;

/// <summary>Every log message of the runtime. Names and outcomes only: values are secrets and never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Fetch of expirable '{Key}' ({Scope}) failed: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string key, ExpirableScope scope, string reason, Exception? exception);

    [LoggerMessage(2, LogLevel.Warning, "Fetch of expirable '{Key}' ({Scope}) timed out after {Timeout}")]
    public static partial void FetchTimedOut(ILogger logger, string key, ExpirableScope scope, TimeSpan timeout);

    [LoggerMessage(3, LogLevel.Warning, "Eager refresh of expirable '{Key}' failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void EagerRefreshRetrying(ILogger logger, string key, int attempt, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "Eager refresh of expirable '{Key}' failed (attempt {Attempt}); the value expires before another retry, so the next access after expiry fetches")]
    public static partial void EagerRefreshGaveUp(ILogger logger, string key, int attempt);

    [LoggerMessage(5, LogLevel.Information, "No NATS URL is configured: cluster-scoped expirables run in-process and are not shared with other processes")]
    public static partial void ClusterScopeInProcess(ILogger logger);

    [LoggerMessage(6, LogLevel.Debug, "Fetched expirable '{Key}' ({Scope}) in {ElapsedMilliseconds} ms")]
    public static partial void Fetched(ILogger logger, string key, ExpirableScope scope, double elapsedMilliseconds);

    [LoggerMessage(7, LogLevel.Debug, "Expirable '{Key}' returned an expiry already in the past; handed to the caller, not cached")]
    public static partial void FetchedAlreadyExpired(ILogger logger, string key);

    [LoggerMessage(8, LogLevel.Debug, "Starting eager refresh of expirable '{Key}'")]
    public static partial void EagerRefreshStarting(ILogger logger, string key);

    [LoggerMessage(10, LogLevel.Error, "Caching the fetched value of expirable '{Key}' failed; it was handed to its callers and not cached")]
    public static partial void CachingFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "A fetch of expirable '{Key}' read an expirable that waits for it: {Cycle}; the read fails instead of waiting forever")]
    public static partial void FetchCycle(ILogger logger, string key, string cycle);

    [LoggerMessage(12, LogLevel.Information, "The fetch of expirable '{Key}' abandoned at its timeout returned after all, {Elapsed} after it started (outcome {Outcome}); fetches may start again")]
    public static partial void AbandonedFetchReturned(ILogger logger, string key, TimeSpan elapsed, string outcome);

    [LoggerMessage(17, LogLevel.Debug, "The late value of the abandoned fetch of expirable '{Key}' was cached")]
    public static partial void LateOutcomeInstalled(ILogger logger, string key);

    [LoggerMessage(13, LogLevel.Error, "The fetch of expirable '{Key}' abandoned at its timeout still runs {Limit} later (AbandonedFetchTimeout); it is no longer waited for, and the next access fetches again")]
    public static partial void AbandonedFetchForgotten(ILogger logger, string key, TimeSpan limit);

    [LoggerMessage(14, LogLevel.Information, "The runtime's clock moved {Step} ahead of the machine's monotonic clock (a clock step or a resumed VM); every cached value was checked against it")]
    public static partial void ClockStepped(ILogger logger, TimeSpan step);

    [LoggerMessage(15, LogLevel.Error, "A background timer of expirable '{Key}' failed; the value is served as before and the next access fetches if needed")]
    public static partial void TimerFailed(ILogger logger, string key, Exception exception);

    [LoggerMessage(16, LogLevel.Debug, "Eager refresh of expirable '{Key}' returned a value that had already expired; retrying like a failure")]
    public static partial void EagerRefreshExpired(ILogger logger, string key);

    [LoggerMessage(18, LogLevel.Information, "A fetch of expirable '{Key}' returned its next state after the state was put, updated or cleared; the newer state is kept")]
    public static partial void NextStateSuperseded(ILogger logger, string key);

    [LoggerMessage(9, LogLevel.Error, "The cluster store failed to start; cluster-scoped fetches fail until it does")]
    public static partial void StoreStartFailed(ILogger logger, Exception exception);
}
