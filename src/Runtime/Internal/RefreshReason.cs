namespace ExpirableStore.Internal;

/// <summary>Why a fetch is needed; a store may treat them differently (a cluster eager refresh that loses the lease need not wait).</summary>
internal enum RefreshReason
{
    /// <summary>A caller found no valid value.</summary>
    Miss = 0,

    /// <summary>The eager timer (or one of its retries) fired while the value is still valid.</summary>
    Eager = 1,
}
