using System;

namespace ExpirableStore.Internal.Cluster;

/// <summary>What this process's fetcher produced, in bucket form.</summary>
/// <param name="Data">The serialized value when the fetch succeeded, else null.</param>
/// <param name="ExpiresAt">Its expiry (null: forever).</param>
/// <param name="Failure">Why the fetch failed, when <paramref name="Data"/> is null.</param>
/// <param name="State">Anything the caller wants back with the result (the typed outcome): never stored.</param>
internal sealed record ClusterFetchOutcome(byte[]? Data, DateTimeOffset? ExpiresAt, string? Failure, object? State)
{
    public static ClusterFetchOutcome Success(byte[] data, DateTimeOffset? expiresAt, object? state = null) => new(data, expiresAt, null, state);

    public static ClusterFetchOutcome Failed(string failure, object? state = null) => new(null, null, failure, state);
}

internal enum ClusterFetchSource
{
    /// <summary>A valid value was already in the bucket (written by another process, or earlier).</summary>
    Bucket,

    /// <summary>This process held the lease and ran the fetch (see <see cref="ClusterFetchResult.Stored"/>).</summary>
    FetchedHere,

    /// <summary>This process waited for another process's fetch, which failed.</summary>
    FailedElsewhere,

    /// <summary>NATS could not be reached and the options say to fail rather than fetch locally.</summary>
    Unreachable,
}

/// <summary>The outcome of <see cref="ClusterStore.FetchAsync"/>.</summary>
internal sealed record ClusterFetchResult(
    ClusterFetchSource Source,
    ClusterEnvelope? Envelope,
    ClusterFetchOutcome? Outcome,
    string? Failure,
    bool Stored)
{
    public static ClusterFetchResult FromBucket(ClusterEnvelope envelope) => new(ClusterFetchSource.Bucket, envelope, null, null, false);

    public static ClusterFetchResult Fetched(ClusterFetchOutcome outcome, bool stored) => new(ClusterFetchSource.FetchedHere, null, outcome, outcome.Failure, stored);

    public static ClusterFetchResult FailedElsewhere(string failure) => new(ClusterFetchSource.FailedElsewhere, null, null, failure, false);

    public static ClusterFetchResult Unreachable(string failure) => new(ClusterFetchSource.Unreachable, null, null, failure, false);
}
