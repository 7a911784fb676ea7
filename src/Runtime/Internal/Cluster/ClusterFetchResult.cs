using System;
using System.Threading.Tasks;

namespace ExpirableStore.Internal.Cluster;

/// <summary>What this process's fetcher produced, in bucket form.</summary>
/// <param name="Data">The serialized value when the fetch succeeded and the value can be shared, else null.</param>
/// <param name="ExpiresAt">Its expiry (null: forever).</param>
/// <param name="Failure">Why the fetch failed; null for a success (shared or not).</param>
/// <param name="State">Anything the caller wants back with the result (the typed outcome): never stored.</param>
/// <param name="Late">
/// Set when the fetch timed out but still runs: completes (never faults) with what it finally produced.
/// The holder keeps its lease until then, so that at most one upstream call per key runs in the cluster.
/// </param>
/// <param name="NextState">
/// A stateful fetch's next state, serialized: written with the value, or with the release of a failed fetch
/// (a failure keeps its next state). Null: the fetch is stateless or returned none (it threw, it was refused).
/// </param>
internal sealed record ClusterFetchOutcome(byte[]? Data, DateTimeOffset? ExpiresAt, string? Failure, object? State, Task<ClusterFetchOutcome>? Late = null, byte[]? NextState = null)
{
    public bool Succeeded => Failure is null;

    public static ClusterFetchOutcome Success(byte[] data, DateTimeOffset? expiresAt, object? state = null) => new(data, expiresAt, null, state);

    public static ClusterFetchOutcome Failed(string failure, object? state = null) => new(null, null, failure, state);

    /// <summary>The fetch succeeded, but its value cannot be shared (it could not be serialized): this process's callers get it.</summary>
    public static ClusterFetchOutcome NotShareable(object? state = null) => new(null, null, null, state);
}

internal enum ClusterFetchSource
{
    /// <summary>A valid value was already in the bucket (written by another process, or earlier).</summary>
    Bucket,

    /// <summary>This process held the lease and ran the fetch (see <see cref="ClusterFetchResult.Stored"/>).</summary>
    FetchedHere,

    /// <summary>This process waited for another process's fetch, which failed or timed out.</summary>
    FailedElsewhere,

    /// <summary>The cluster cannot coordinate (NATS or JetStream unreachable, the bucket missing): fetch here or fail, as configured.</summary>
    Unreachable,

    /// <summary>The bucket holds a value this process cannot read (another key, another encryption setting): never evicted; fetch here for this process.</summary>
    Unreadable,
}

/// <summary>The outcome of <c>ClusterStore.FetchAsync</c>.</summary>
/// <param name="Envelope">For <see cref="ClusterFetchSource.Bucket"/>: the value taken.</param>
/// <param name="Outcome">For <see cref="ClusterFetchSource.FetchedHere"/>: what this process's fetch produced.</param>
/// <param name="Failure">Why there is no value (failed elsewhere, unreachable, unreadable).</param>
/// <param name="Stored">For <see cref="ClusterFetchSource.FetchedHere"/>: the value is the bucket's value now (its id is <see cref="ValueId"/>).</param>
internal sealed record ClusterFetchResult(
    ClusterFetchSource Source,
    ClusterEnvelope? Envelope,
    ClusterFetchOutcome? Outcome,
    string? Failure,
    bool Stored,
    string? ValueId)
{
    public static ClusterFetchResult FromBucket(ClusterEnvelope envelope) => new(ClusterFetchSource.Bucket, envelope, null, null, false, envelope.ValueId);

    public static ClusterFetchResult Fetched(ClusterFetchOutcome outcome, string? storedValueId = null) =>
        new(ClusterFetchSource.FetchedHere, null, outcome, outcome.Failure, storedValueId is not null, storedValueId);

    public static ClusterFetchResult FailedElsewhere(string failure) => new(ClusterFetchSource.FailedElsewhere, null, null, failure, false, null);

    public static ClusterFetchResult Unreachable(string why) => new(ClusterFetchSource.Unreachable, null, null, why, false, null);

    public static ClusterFetchResult Unreadable(string why) => new(ClusterFetchSource.Unreadable, null, null, why, false, null);
}
