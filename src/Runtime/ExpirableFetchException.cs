using System;

namespace ExpirableStore;

/// <summary>Thrown by <see cref="Expirable{T}.GetAsync"/> when the fetch failed.</summary>
public sealed class ExpirableFetchException : Exception
{
    /// <summary>Creates an exception for a failed fetch of an unnamed expirable.</summary>
    public ExpirableFetchException()
        : this(string.Empty, "the fetch failed", null)
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ExpirableFetchException(string message)
        : base(message)
    {
        Name = string.Empty;
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExpirableFetchException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Name = string.Empty;
    }

    /// <summary>Creates an exception for a failed fetch of <paramref name="name"/>.</summary>
    /// <param name="name">The declared name of the expirable.</param>
    /// <param name="reason">Why the fetch failed.</param>
    /// <param name="innerException">The exception behind the failure, if any.</param>
    public ExpirableFetchException(string name, string reason, Exception? innerException)
        : this(name, reason, FetchFailure.Failed, innerException)
    {
    }

    /// <summary>Creates an exception for a failed fetch of <paramref name="name"/>.</summary>
    /// <param name="name">The declared name of the expirable.</param>
    /// <param name="reason">Why the fetch failed.</param>
    /// <param name="failure">What kind of failure it was (<see cref="Fetched{T}.Failure"/>).</param>
    /// <param name="innerException">The exception behind the failure, if any.</param>
    public ExpirableFetchException(string name, string reason, FetchFailure failure, Exception? innerException)
        : base($"Fetching expirable '{name}' failed: {reason}", innerException)
    {
        Name = name;
        Reason = reason;
        Failure = failure;
    }

    /// <summary>The declared name of the expirable whose fetch failed.</summary>
    public string Name { get; }

    /// <summary>Why the fetch failed (<see cref="Fetched{T}.Error"/>).</summary>
    public string? Reason { get; }

    /// <summary>What kind of failure it was (<see cref="Fetched{T}.Failure"/>); <see cref="FetchFailure.Failed"/> unless known.</summary>
    public FetchFailure Failure { get; } = FetchFailure.Failed;
}
