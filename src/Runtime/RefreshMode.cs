namespace ExpirableStore;

/// <summary>When an expiring value is refreshed.</summary>
public enum RefreshMode
{
    /// <summary>On the first access at or after expiry.</summary>
    Lazy = 0,

    /// <summary>In the background, <see cref="ExpirableDefinition.EagerBefore"/> before expiry, so callers never wait.</summary>
    Eager = 1,
}
