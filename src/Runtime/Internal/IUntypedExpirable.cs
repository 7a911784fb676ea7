using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>What the name-based members of <see cref="ExpirableModule"/> need from an expirable of any kind and type.</summary>
internal interface IUntypedExpirable
{
    string Name { get; }

    ExpirableDefinition Definition { get; }

    /// <summary>The one slot of a non-keyed expirable; null for a keyed one (its keys come and go).</summary>
    IExpirableSlot? Slot { get; }

    ValueTask<Fetched<object?>> FetchBoxedAsync(CancellationToken cancellationToken);

    ValueTask<object?> GetBoxedAsync(CancellationToken cancellationToken);

    /// <summary>Clears the value; of a keyed expirable, every key.</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken);

    void ClearLocal();

    ValueTask<bool> InvalidateBoxedAsync(object? staleValue, CancellationToken cancellationToken);
}

/// <summary>The typed members shared by <see cref="Expirable{T}"/> and <see cref="StatefulExpirable{T, S}"/>.</summary>
internal interface IExpirableAccess<T>
{
    ValueTask<Fetched<T>> FetchAsync(CancellationToken cancellationToken);

    ValueTask<T> GetAsync(CancellationToken cancellationToken);

    ValueTask<bool> InvalidateAsync(T staleValue, CancellationToken cancellationToken);
}

/// <summary>The members of a keyed expirable that do not depend on its value type.</summary>
internal interface IKeyedUntyped<TKey>
{
    ValueTask<Fetched<object?>> FetchBoxedAsync(TKey key, CancellationToken cancellationToken);

    ValueTask<object?> GetBoxedAsync(TKey key, CancellationToken cancellationToken);

    ValueTask ClearAsync(TKey key, CancellationToken cancellationToken);
}

/// <summary>The typed members shared by <see cref="KeyedExpirable{TKey, T}"/> and <see cref="KeyedStatefulExpirable{TKey, T, S}"/>.</summary>
internal interface IKeyedAccess<TKey, T>
{
    ValueTask<Fetched<T>> FetchAsync(TKey key, CancellationToken cancellationToken);

    ValueTask<T> GetAsync(TKey key, CancellationToken cancellationToken);

    ValueTask<bool> InvalidateAsync(TKey key, T staleValue, CancellationToken cancellationToken);
}

/// <summary>The state members of <see cref="StatefulExpirable{T, S}"/>.</summary>
internal interface IStateAccess<S>
{
    ValueTask PutStateAsync(S state, CancellationToken cancellationToken);

    ValueTask UpdateStateAsync(Func<S?, S> update, CancellationToken cancellationToken);
}

/// <summary>The state members of <see cref="KeyedStatefulExpirable{TKey, T, S}"/>.</summary>
internal interface IKeyedStateAccess<TKey, S>
{
    ValueTask PutStateAsync(TKey key, S state, CancellationToken cancellationToken);

    ValueTask UpdateStateAsync(TKey key, Func<S?, S> update, CancellationToken cancellationToken);
}

/// <summary>Helpers of the name-based members.</summary>
internal static class Untyped
{
    public static Fetched<object?> Box<T>(Fetched<T> fetched) =>
        !fetched.IsOk
            ? new Fetched<object?>(fetched.Error ?? "the fetch failed", fetched.Exception, fetched.Failure)
            : fetched.ExpiresAt is { } at ? Fetched.Ok<object?>(fetched.Value, at) : Fetched.Forever<object?>(fetched.Value);

    /// <summary><paramref name="staleValue"/> as a <typeparamref name="T"/>, or the error a wrong type is.</summary>
    public static T Unbox<T>(string name, object? staleValue) =>
        staleValue is T typed ? typed
        : staleValue is null && default(T) is null ? default!
        : throw new ArgumentException($"Expirable '{name}' holds values of type {typeof(T)}, not {staleValue?.GetType().ToString() ?? "null"}.", nameof(staleValue));

    /// <summary>A state-update function over the core's erased state.</summary>
    public static Func<bool, object?, object?> Erase<S>(Func<S?, S> update) =>
        (has, state) => update(has && state is S typed ? typed : default);

    public static ArgumentException Keyed(string name) =>
        new($"Expirable '{name}' is keyed: pass a key.", nameof(name));
}
