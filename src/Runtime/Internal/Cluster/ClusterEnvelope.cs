using System;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// What one key of the bucket holds: the current value (if any), who fetched it and when, and
/// the refresh lease (if a process is fetching). A lease carries a duration, not a deadline:
/// waiters measure its lapse on their own monotonic clock from the revision they observed, so
/// no two processes need agreeing clocks.
/// </summary>
internal sealed record ClusterEnvelope
{
    public const int SchemaVersion = 1;

    /// <summary>The serialized value (plain bytes, already decrypted); null when the key holds only a lease or a failure.</summary>
    public byte[]? Data { get; init; }

    /// <summary>When the value expires; null with <see cref="Data"/> set: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public string? FetchedBy { get; init; }

    public DateTimeOffset? FetchedAt { get; init; }

    public ClusterLease? Lease { get; init; }

    /// <summary>Set by a holder whose fetch failed when it released the lease, so that the processes waiting for that fetch get its outcome.</summary>
    public string? Failure { get; init; }

    public bool HasValue => Data is not null;

    /// <summary>True when the value may be handed to a caller at <paramref name="now"/>: present and not expired.</summary>
    public bool IsValidAt(DateTimeOffset now) => Data is not null && (ExpiresAt is null || ExpiresAt.Value > now);

    /// <summary>True when the value is valid and stays so past <paramref name="threshold"/>.</summary>
    public bool IsFreshBeyond(DateTimeOffset threshold) => Data is not null && (ExpiresAt is null || ExpiresAt.Value > threshold);
}

/// <param name="Holder">The node that holds the lease (diagnostics).</param>
/// <param name="Token">Unique per claim: tells a holder whether an entry it re-reads is still its own lease.</param>
/// <param name="Duration">How long after observing this revision a waiter may take the lease over.</param>
internal sealed record ClusterLease(string Holder, string Token, TimeSpan Duration);
