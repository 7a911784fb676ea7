using System;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// What one key of the bucket holds: the current value (if any) with who fetched it and when, the
/// refresh lease (if a process is fetching), and the end of the last fetch when it failed. A lease
/// carries a duration, not a deadline: processes measure its lapse on their own monotonic clock from
/// the revision they observed, so no two processes need agreeing clocks.
/// </summary>
/// <remarks>
/// A stateful expirable's state (language version 2) lives beside <see cref="Data"/> in the payload
/// (encrypted and authenticated with it), and its <see cref="StateVersion"/> in the header: a key may hold a
/// state without a value (put before the first fetch, or its value invalidated).
/// </remarks>
internal sealed record ClusterEnvelope
{
    public const int SchemaVersion = 2;

    /// <summary>Identifies the value (one fetch's result) across the claims and renewals that carry it along; null: no value.</summary>
    public string? ValueId { get; init; }

    /// <summary>The serialized value (plain bytes, already decrypted); null when there is none or it is unreadable here.</summary>
    public byte[]? Data { get; init; }

    /// <summary>When the value expires; null with a value: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public string? FetchedBy { get; init; }

    public DateTimeOffset? FetchedAt { get; init; }

    public ClusterLease? Lease { get; init; }

    /// <summary>The serialized state of a stateful expirable (plain bytes, already decrypted); null: none.</summary>
    public byte[]? State { get; init; }

    /// <summary>Bumped by every write that changes <see cref="State"/>; 0 iff there is none.</summary>
    public long StateVersion { get; init; }

    /// <summary>With <see cref="Lease"/>: the holder's fetch timed out and still runs; callers get that failure at once.</summary>
    public bool Abandoned { get; init; }

    /// <summary>The lease token whose fetch failed: the outcome of the processes that waited for that lease, nobody else's.</summary>
    public string? FailedLease { get; init; }

    /// <summary>Why that fetch failed (encrypted with the value when encryption is on).</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Set when this process cannot read the payload (encrypted with a key it does not have, a plain
    /// value while it requires encryption, an encrypted schema-1 entry): the header (expiry, lease) is
    /// honoured, the value is never served and never evicted while it claims to be valid.
    /// </summary>
    public string? Unreadable { get; init; }

    public bool HasValue => ValueId is not null;

    public bool IsReadable => Unreadable is null;

    /// <summary>True when the value may be handed to a caller at <paramref name="now"/>: present, readable and not expired.</summary>
    public bool IsValidAt(DateTimeOffset now) => Data is not null && IsReadable && (ExpiresAt is null || ExpiresAt.Value > now);

    /// <summary>True when there is a value (readable or not) that claims to be valid past <paramref name="threshold"/>.</summary>
    public bool ClaimsValidityBeyond(DateTimeOffset threshold) => HasValue && (ExpiresAt is null || ExpiresAt.Value > threshold);

    /// <summary>This envelope without the end of an earlier fetch and without a lease: what a new claim or write starts from.</summary>
    public ClusterEnvelope ValueOnly() => this with { Lease = null, Abandoned = false, FailedLease = null, Error = null };
}

/// <param name="Holder">The node that holds the lease (diagnostics).</param>
/// <param name="Token">Unique per claim: tells a holder whether an entry is still its own lease, and waiters whose fetch failed.</param>
/// <param name="Duration">How long after observing this revision a waiter may take the lease over.</param>
internal sealed record ClusterLease(string Holder, string Token, TimeSpan Duration);
