using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore;

// The keyed and stateful fetch shapes: the key first, then the state, then what v1 shapes take.
public static partial class Fetcher
{
    /// <summary>Adapts the keyed fetch method <c>Fetched&lt;T&gt; M(TKey)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, Fetched<T>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, _, _) => new ValueTask<Fetched<T>>(fetch(key));
    }

    /// <summary>Adapts the keyed fetch method <c>Task&lt;Fetched&lt;T&gt;&gt; M(TKey)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, Task<Fetched<T>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, _, _) => new ValueTask<Fetched<T>>(NotNull(fetch(key)));
    }

    /// <summary>Adapts the keyed fetch method <c>ValueTask&lt;Fetched&lt;T&gt;&gt; M(TKey)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, ValueTask<Fetched<T>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, _, _) => fetch(key);
    }

    /// <summary>Adapts the keyed fetch method <c>Fetched&lt;T&gt; M(TKey, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, CancellationToken, Fetched<T>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, _, ct) => new ValueTask<Fetched<T>>(fetch(key, ct));
    }

    /// <summary>Adapts the keyed fetch method <c>Task&lt;Fetched&lt;T&gt;&gt; M(TKey, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, CancellationToken, Task<Fetched<T>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, _, ct) => new ValueTask<Fetched<T>>(NotNull(fetch(key, ct)));
    }

    /// <summary>Adapts the keyed fetch method <c>ValueTask&lt;Fetched&lt;T&gt;&gt; M(TKey, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, CancellationToken, ValueTask<Fetched<T>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, _, ct) => fetch(key, ct);
    }

    /// <summary>Adapts the keyed fetch method <c>Fetched&lt;T&gt; M(TKey, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, IServiceProvider, CancellationToken, Fetched<T>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, services, ct) => new ValueTask<Fetched<T>>(fetch(key, services, ct));
    }

    /// <summary>Adapts the keyed fetch method <c>Task&lt;Fetched&lt;T&gt;&gt; M(TKey, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, IServiceProvider, CancellationToken, Task<Fetched<T>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, services, ct) => new ValueTask<Fetched<T>>(NotNull(fetch(key, services, ct)));
    }

    /// <summary>Adapts the keyed fetch method <c>ValueTask&lt;Fetched&lt;T&gt;&gt; M(TKey, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The same delegate.</returns>
    public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return fetch;
    }

    /// <summary>Adapts the stateful fetch method <c>Fetched&lt;T, S&gt; M(S)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, Fetched<T, S>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, _, _) => new ValueTask<Fetched<T, S>>(fetch(state));
    }

    /// <summary>Adapts the stateful fetch method <c>Task&lt;Fetched&lt;T, S&gt;&gt; M(S)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, Task<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, _, _) => new ValueTask<Fetched<T, S>>(NotNull(fetch(state)));
    }

    /// <summary>Adapts the stateful fetch method <c>ValueTask&lt;Fetched&lt;T, S&gt;&gt; M(S)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, ValueTask<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, _, _) => fetch(state);
    }

    /// <summary>Adapts the stateful fetch method <c>Fetched&lt;T, S&gt; M(S, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, CancellationToken, Fetched<T, S>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, _, ct) => new ValueTask<Fetched<T, S>>(fetch(state, ct));
    }

    /// <summary>Adapts the stateful fetch method <c>Task&lt;Fetched&lt;T, S&gt;&gt; M(S, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, CancellationToken, Task<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, _, ct) => new ValueTask<Fetched<T, S>>(NotNull(fetch(state, ct)));
    }

    /// <summary>Adapts the stateful fetch method <c>ValueTask&lt;Fetched&lt;T, S&gt;&gt; M(S, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, CancellationToken, ValueTask<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, _, ct) => fetch(state, ct);
    }

    /// <summary>Adapts the stateful fetch method <c>Fetched&lt;T, S&gt; M(S, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, IServiceProvider, CancellationToken, Fetched<T, S>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, services, ct) => new ValueTask<Fetched<T, S>>(fetch(state, services, ct));
    }

    /// <summary>Adapts the stateful fetch method <c>Task&lt;Fetched&lt;T, S&gt;&gt; M(S, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, IServiceProvider, CancellationToken, Task<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (state, services, ct) => new ValueTask<Fetched<T, S>>(NotNull(fetch(state, services, ct)));
    }

    /// <summary>Adapts the stateful fetch method <c>ValueTask&lt;Fetched&lt;T, S&gt;&gt; M(S, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The same delegate.</returns>
    public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return fetch;
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>Fetched&lt;T, S&gt; M(TKey, S)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, Fetched<T, S>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, _, _) => new ValueTask<Fetched<T, S>>(fetch(key, state));
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>Task&lt;Fetched&lt;T, S&gt;&gt; M(TKey, S)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, Task<Fetched<T, S>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, _, _) => new ValueTask<Fetched<T, S>>(NotNull(fetch(key, state)));
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>ValueTask&lt;Fetched&lt;T, S&gt;&gt; M(TKey, S)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, _, _) => fetch(key, state);
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>Fetched&lt;T, S&gt; M(TKey, S, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, CancellationToken, Fetched<T, S>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, _, ct) => new ValueTask<Fetched<T, S>>(fetch(key, state, ct));
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>Task&lt;Fetched&lt;T, S&gt;&gt; M(TKey, S, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, CancellationToken, Task<Fetched<T, S>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, _, ct) => new ValueTask<Fetched<T, S>>(NotNull(fetch(key, state, ct)));
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>ValueTask&lt;Fetched&lt;T, S&gt;&gt; M(TKey, S, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, CancellationToken, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, _, ct) => fetch(key, state, ct);
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>Fetched&lt;T, S&gt; M(TKey, S, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, IServiceProvider, CancellationToken, Fetched<T, S>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, services, ct) => new ValueTask<Fetched<T, S>>(fetch(key, state, services, ct));
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>Task&lt;Fetched&lt;T, S&gt;&gt; M(TKey, S, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, IServiceProvider, CancellationToken, Task<Fetched<T, S>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (key, state, services, ct) => new ValueTask<Fetched<T, S>>(NotNull(fetch(key, state, services, ct)));
    }

    /// <summary>Adapts the keyed and stateful fetch method <c>ValueTask&lt;Fetched&lt;T, S&gt;&gt; M(TKey, S, IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="S">The state type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The same delegate.</returns>
    public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return fetch;
    }

    private static Task<Fetched<T, S>> NotNull<T, S>(Task<Fetched<T, S>>? task) =>
        task ?? throw new InvalidOperationException("The fetch method returned a null task.");
}
