using System;
using System.Collections.Generic;

namespace ExpirableStore;

/// <summary>
/// What a stateful fetch method returns: the outcome, and the state the next fetch of the same entry
/// receives. Build it with <see cref="Fetched{T}.WithState{S}(S)"/>:
/// <c>Fetched.Ok(token, expiresAt).WithState(grant)</c>, <c>Fetched.Failed&lt;Token&gt;("why").WithState(grant)</c>.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <typeparam name="S">The type of the state.</typeparam>
public readonly struct Fetched<T, S> : IEquatable<Fetched<T, S>>
{
    internal Fetched(Fetched<T> outcome, S nextState)
    {
        Outcome = outcome;
        NextState = nextState;
    }

    /// <summary>The outcome: what callers get.</summary>
    public Fetched<T> Outcome { get; }

    /// <summary>The state the next fetch receives (kept on a failure too).</summary>
    public S NextState { get; }

    /// <summary>Whether the fetch succeeded (<see cref="Fetched{T}.IsOk"/>).</summary>
    public bool IsOk => Outcome.IsOk;

    /// <summary>The fetched value (<see cref="Fetched{T}.Value"/>).</summary>
    /// <exception cref="InvalidOperationException">The fetch failed.</exception>
    public T Value => Outcome.Value;

    /// <summary>When the value expires (<see cref="Fetched{T}.ExpiresAt"/>).</summary>
    public DateTimeOffset? ExpiresAt => Outcome.ExpiresAt;

    /// <summary>Why the fetch failed (<see cref="Fetched{T}.Error"/>).</summary>
    public string? Error => Outcome.Error;

    /// <summary>What kind of failure it was (<see cref="Fetched{T}.Failure"/>).</summary>
    public FetchFailure Failure => Outcome.Failure;

    /// <inheritdoc/>
    public bool Equals(Fetched<T, S> other) => Outcome.Equals(other.Outcome) && EqualityComparer<S>.Default.Equals(NextState, other.NextState);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Fetched<T, S> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Outcome, NextState);

    /// <summary>Describes the outcome without the value or the state: both are often secrets.</summary>
    /// <returns>As <see cref="Fetched{T}.ToString"/>.</returns>
    public override string ToString() => Outcome.ToString();

    /// <summary>Compares two outcomes and their next states.</summary>
    public static bool operator ==(Fetched<T, S> left, Fetched<T, S> right) => left.Equals(right);

    /// <summary>Compares two outcomes and their next states.</summary>
    public static bool operator !=(Fetched<T, S> left, Fetched<T, S> right) => !left.Equals(right);
}
