using System;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal;

/// <summary>The log messages of the cluster store (event ids 5000-5999). None carries a value.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Cluster store connected to NATS bucket '{Bucket}' as node '{Node}' (nats-server {ServerVersion}); {KeyCount} replicas loaded from the snapshot")]
    public static partial void Connected(ILogger logger, string bucket, string node, int keyCount, string serverVersion);

    [LoggerMessage(EventId = 5027, Level = LogLevel.Information, Message = "Cluster store connected to NATS bucket '{Bucket}' at attempt {Attempt}, after starting while NATS was unreachable: fetches coordinate through the bucket from now on")]
    public static partial void JoinedAfterStartFailure(ILogger logger, string bucket, int attempt);

    [LoggerMessage(EventId = 5028, Level = LogLevel.Warning, Message = "Attempt {Attempt} to connect the cluster store to NATS bucket '{Bucket}' failed ({ErrorType}: {ErrorMessage}); trying again, and fetching as WhenClusterUnreachable says meanwhile")]
    public static partial void StartRetryFailed(ILogger logger, string bucket, int attempt, string errorType, string errorMessage);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "NATS is unreachable: replicas keep serving unexpired values; a needed fetch {FetchBehaviour} until the connection is back")]
    public static partial void Disconnected(ILogger logger, string fetchBehaviour);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "NATS connection restored: the watcher checks the bucket and resyncs the replicas; fetches coordinate through the bucket again")]
    public static partial void Reconnected(ILogger logger);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Ignoring malformed entry for key '{Key}' at revision {Revision} ({Reason}): treated as absent")]
    public static partial void MalformedEntry(ILogger logger, string key, ulong revision, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The watcher of bucket '{Bucket}' failed ({ErrorType}: {ErrorMessage}); checking the bucket and starting another")]
    public static partial void WatcherRestarting(ILogger logger, string bucket, string errorType, string errorMessage);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "Lease on '{Key}' held by '{Holder}' lapsed after {Lapse} without renewal; taking over")]
    public static partial void LeaseLapsed(ILogger logger, string key, string holder, TimeSpan lapse);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "The value fetched for '{Key}' was not stored under its lease (taken over, cleared, or the bucket was recreated): this process serves what the bucket holds")]
    public static partial void Fenced(ILogger logger, string key);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Debug, Message = "NATS write for '{Key}' had an unknown outcome ({ErrorMessage}); the replica tells whether it landed")]
    public static partial void OutcomeUnknown(ILogger logger, string key, string errorMessage);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Fetch of '{Key}' runs in this process without cluster coordination: {Reason}")]
    public static partial void FetchingUncoordinated(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Clear of '{Key}' reached only this process: NATS did not confirm it ({ErrorMessage})")]
    public static partial void ClearNotPropagated(ILogger logger, string key, string errorMessage);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "The value of '{Key}' in the bucket cannot be read as {ValueType} ({ErrorType}): this process fetches its own")]
    public static partial void UndeserializableValue(ILogger logger, string key, string valueType, string errorType);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "The value fetched for '{Key}' is served to this process only and not shared through the cluster: {Reason}")]
    public static partial void NotShared(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Bucket '{Bucket}' exists with a configuration this process would not create ({Differences}); it is used as it is and never changed")]
    public static partial void BucketConfigDiffers(ILogger logger, string bucket, string differences);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Warning, Message = "Bucket '{Bucket}' is missing (a server lost its store, or it was deleted): creating it again as it was, or waiting for it; fetches wait, then run as configured")]
    public static partial void BucketMissing(ILogger logger, string bucket);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Warning, Message = "Bucket '{Bucket}' was created again by this process")]
    public static partial void BucketCreatedAgain(ILogger logger, string bucket);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "The stream of bucket '{Bucket}' is not the one watched ({Reason}): every replica is resynced from it; values it does not hold are dropped")]
    public static partial void StreamReset(ILogger logger, string bucket, string reason);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Information, Message = "The bucket no longer holds the last message of '{Key}' (revision {OurRevision}, the server's is {ServerRevision}: a limit such as max age, or a purge): treated as absent")]
    public static partial void RemovedByServer(ILogger logger, string key, ulong ourRevision, ulong serverRevision);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Information, Message = "Bucket '{Bucket}' has {Replicas} replicas on nats-server {ServerVersion}, which does not serialize expected-revision checks of replicated streams (nats-server#4320, fixed in 2.9.21): every compare-and-set carries a message id of its key and revision, which the server deduplicates")]
    public static partial void DeduplicatingCas(ILogger logger, string bucket, int replicas, string serverVersion);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Warning, Message = "JetStream does not answer writes (for '{Key}': {Reason}; a stream leader election?): fetches wait and retry up to {Budget}, then {FetchBehaviour}")]
    public static partial void JetStreamUnavailable(ILogger logger, string key, string reason, TimeSpan budget, string fetchBehaviour);

    [LoggerMessage(EventId = 5022, Level = LogLevel.Warning, Message = "The lease on '{Key}' lapsed by this process's own clock ({Lease} without a renewal it could confirm): it stops acting on it")]
    public static partial void OwnLeaseLapsed(ILogger logger, string key, TimeSpan lease);

    [LoggerMessage(EventId = 5023, Level = LogLevel.Information, Message = "The fetch of '{Key}' that had timed out has ended: {What}")]
    public static partial void AbandonedFetchEnded(ILogger logger, string key, string what);

    [LoggerMessage(EventId = 5024, Level = LogLevel.Warning, Message = "This host's clock differs from the NATS server's (nats-server {ServerVersion}) by about {Offset} (positive: ahead): values expire by each host's own clock, so keep clocks in sync (see docs/cluster.md, clock skew)")]
    public static partial void ClockSkew(ILogger logger, TimeSpan offset, string serverVersion);

    [LoggerMessage(EventId = 5025, Level = LogLevel.Debug, Message = "The watcher of bucket '{Bucket}' heard nothing for {Silence}: checking the bucket and replacing its consumer")]
    public static partial void WatcherSilent(ILogger logger, string bucket, TimeSpan silence);

    [LoggerMessage(EventId = 5026, Level = LogLevel.Debug, Message = "The watcher of bucket '{Bucket}' missed a message (expected consumer sequence {Expected}, got {Got}): resuming after the last one applied")]
    public static partial void WatcherGap(ILogger logger, string bucket, ulong expected, ulong got);
}
