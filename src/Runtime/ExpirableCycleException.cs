using System;
using System.Collections.Generic;

namespace ExpirableStore;

/// <summary>
/// A fetch method read an expirable whose fetch is (directly or through others) waiting for that very
/// fetch: <c>a</c>'s fetch reads <c>a</c>, or <c>a</c>'s reads <c>b</c> while <c>b</c>'s reads <c>a</c>.
/// Waiting would never end, so the read that closes the cycle fails at once: its
/// <see cref="Fetched{T}.Exception"/> is this exception (<see cref="Expirable{T}.GetAsync"/> throws an
/// <see cref="ExpirableFetchException"/> with it inside). A programming error: fix the fetch methods.
/// </summary>
public sealed class ExpirableCycleException : InvalidOperationException
{
    /// <summary>Creates an exception without a cycle.</summary>
    public ExpirableCycleException()
        : this("A fetch method reads an expirable that is waiting for it.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ExpirableCycleException(string message)
        : base(message)
    {
        Cycle = [];
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExpirableCycleException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Cycle = [];
    }

    /// <summary>Creates an exception naming the cycle.</summary>
    /// <param name="cycle">The keys of the expirables on the cycle, the first repeated at the end.</param>
    public ExpirableCycleException(IReadOnlyList<string> cycle)
        : base(Describe(cycle))
    {
        Cycle = cycle;
    }

    /// <summary>
    /// The keys (<see cref="Expirable{T}.Key"/>) on the cycle, in the order the fetches wait for each
    /// other, the first repeated at the end: <c>["App.Tokens.a", "App.Tokens.b", "App.Tokens.a"]</c>.
    /// </summary>
    public IReadOnlyList<string> Cycle { get; }

    /// <summary>The cycle as the message shows it: <c>App.Tokens.a -> App.Tokens.b -> App.Tokens.a</c>.</summary>
    /// <param name="cycle">The keys on the cycle.</param>
    /// <returns>The keys joined by arrows.</returns>
    internal static string Path(IReadOnlyList<string> cycle) => string.Join(" -> ", cycle);

    private static string Describe(IReadOnlyList<string> cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        return $"Expirable fetch cycle: {Path(cycle)}. A fetch method reads an expirable whose fetch waits for it; the read fails instead of waiting forever.";
    }
}
