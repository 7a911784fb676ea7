namespace ExpirableStore;

/// <summary>
/// Why a fetch failed: <see cref="Fetched{T}.Failure"/> and <see cref="ExpirableFetchException.Failure"/>.
/// More values may be added; treat an unknown one as <see cref="Failed"/>.
/// </summary>
public enum FetchFailure
{
    /// <summary>Not a failure: the fetch succeeded.</summary>
    None = 0,

    /// <summary>
    /// The fetch method returned <see cref="Fetched.Failed{T}"/> or threw, the store failed, or the access
    /// was refused (a fetch cycle: <see cref="ExpirableCycleException"/>).
    /// </summary>
    Failed = 1,

    /// <summary>
    /// The fetch ran past its timeout, or the previous fetch of the expirable timed out and is still
    /// running (then no other fetch starts until it returns).
    /// </summary>
    TimedOut = 2,

    /// <summary>
    /// The expirable is declared <c>state S required</c> and has no state: none was put since it was created
    /// or last cleared (<c>PutStateAsync</c>, <c>UpdateStateAsync</c>). The fetch method was not called.
    /// </summary>
    StateRequired = 3,
}
