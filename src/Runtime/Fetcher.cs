using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore;

/// <summary>
/// Normalises every fetch-method shape of the .expirables language to one delegate type,
/// so that the generated code passes the user's method group and overload resolution picks the shape.
/// </summary>
public static partial class Fetcher
{
    /// <summary>Adapts <c>Fetched&lt;T&gt; M()</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<Fetched<T>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (_, _) => new ValueTask<Fetched<T>>(fetch());
    }

    /// <summary>Adapts <c>Task&lt;Fetched&lt;T&gt;&gt; M()</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<Task<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (_, _) => new ValueTask<Fetched<T>>(NotNull(fetch()));
    }

    /// <summary>Adapts <c>ValueTask&lt;Fetched&lt;T&gt;&gt; M()</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<ValueTask<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (_, _) => fetch();
    }

    /// <summary>Adapts <c>Fetched&lt;T&gt; M(CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<CancellationToken, Fetched<T>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (_, ct) => new ValueTask<Fetched<T>>(fetch(ct));
    }

    /// <summary>Adapts <c>Task&lt;Fetched&lt;T&gt;&gt; M(CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<CancellationToken, Task<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (_, ct) => new ValueTask<Fetched<T>>(NotNull(fetch(ct)));
    }

    /// <summary>Adapts <c>ValueTask&lt;Fetched&lt;T&gt;&gt; M(CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<CancellationToken, ValueTask<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (_, ct) => fetch(ct);
    }

    /// <summary>Adapts <c>Fetched&lt;T&gt; M(IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<IServiceProvider, CancellationToken, Fetched<T>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (services, ct) => new ValueTask<Fetched<T>>(fetch(services, ct));
    }

    /// <summary>Adapts <c>Task&lt;Fetched&lt;T&gt;&gt; M(IServiceProvider, CancellationToken)</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The normalised fetcher.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<IServiceProvider, CancellationToken, Task<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return (services, ct) => new ValueTask<Fetched<T>>(NotNull(fetch(services, ct)));
    }

    /// <summary>Adapts <c>ValueTask&lt;Fetched&lt;T&gt;&gt; M(IServiceProvider, CancellationToken)</c>: already the normalised shape.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="fetch">The fetch method.</param>
    /// <returns>The same delegate.</returns>
    public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return fetch;
    }

    // A Task-returning fetch method that returns null is a failed fetch with a reason the user can act on.
    private static Task<Fetched<T>> NotNull<T>(Task<Fetched<T>>? task) =>
        task ?? throw new InvalidOperationException("The fetch method returned a null task.");
}
