using System;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal;

/// <summary>The log messages of the cluster store (event ids 5000-5999). None carries a value.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Cluster store connected to NATS bucket '{Bucket}' as node '{Node}'; {KeyCount} replicas loaded from the snapshot")]
    public static partial void Connected(ILogger logger, string bucket, string node, int keyCount);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "NATS is unreachable: replicas keep serving unexpired values; a needed fetch {FetchBehaviour} until the connection is back")]
    public static partial void Disconnected(ILogger logger, string fetchBehaviour);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "NATS connection restored: the watcher resyncs the replicas; fetches coordinate through the bucket again")]
    public static partial void Reconnected(ILogger logger);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Ignoring malformed entry for key '{Key}' at revision {Revision} ({Reason}): treated as absent")]
    public static partial void MalformedEntry(ILogger logger, string key, ulong revision, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The watcher of bucket '{Bucket}' ended ({ErrorType}: {ErrorMessage}); starting a new one")]
    public static partial void WatcherRestarting(ILogger logger, string bucket, string errorType, string errorMessage);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "Lease on '{Key}' held by '{Holder}' lapsed after {Lapse} without renewal; taking over")]
    public static partial void LeaseLapsed(ILogger logger, string key, string holder, TimeSpan lapse);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Fetched value for '{Key}' was not stored: the lease was lost (taken over or cleared) during the fetch")]
    public static partial void Fenced(ILogger logger, string key);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "NATS call for '{Key}' had an unknown outcome ({ErrorMessage}); re-reading before acting")]
    public static partial void OutcomeUnknown(ILogger logger, string key, string errorMessage);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Fetch of '{Key}' runs without cluster coordination: NATS did not answer ({ErrorMessage})")]
    public static partial void FetchingUncoordinated(ILogger logger, string key, string errorMessage);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Clear of '{Key}' reached only this process: NATS did not answer ({ErrorMessage})")]
    public static partial void ClearNotPropagated(ILogger logger, string key, string errorMessage);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "The value of '{Key}' in the bucket cannot be read as {ValueType} ({ErrorType}): treated as absent")]
    public static partial void UndeserializableValue(ILogger logger, string key, string valueType, string errorType);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "The value fetched for '{Key}' is not shared through the cluster: {Reason}")]
    public static partial void NotShared(ILogger logger, string key, string reason);
}
