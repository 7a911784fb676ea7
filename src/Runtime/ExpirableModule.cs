using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;

namespace ExpirableStore;

/// <summary>
/// The base class of every generated class: builds the <see cref="Expirable{T}"/> properties and
/// provides the name-based members.
/// </summary>
public abstract class ExpirableModule
{
    // Per runtime, every expirable by key: a class constructed twice on one runtime shares its expirables
    // (one cache, one single flight, one store binding) instead of holding two replicas of one key that
    // disagree after a clear. Weak on the runtime: it never keeps a runtime alive.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ExpirableRuntime, Dictionary<string, IUntypedExpirable>> ByRuntime = new();

    private readonly Dictionary<string, IUntypedExpirable> _byName = new(StringComparer.Ordinal);
    private readonly List<IExpirableSlot> _slots = [];
    private readonly HashSet<ExpirableDefinition> _declared; // by reference: Create checks membership once per expirable

    /// <summary>
    /// Creates the module. A class constructed more than once on one runtime shares its expirables between
    /// the instances (one cached value, one fetch, one clear per key); a different declaration under a key
    /// that already exists on the runtime is an <see cref="ArgumentException"/> in <see cref="Create{T}"/>.
    /// </summary>
    /// <param name="runtime">The runtime that stores the values.</param>
    /// <param name="moduleName">"&lt;namespace&gt;.&lt;class&gt;": the key prefix in the cluster bucket.</param>
    /// <param name="definitions">Every declared expirable of the class.</param>
    protected ExpirableModule(ExpirableRuntime runtime, string moduleName, IReadOnlyList<ExpirableDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrEmpty(moduleName);
        ArgumentNullException.ThrowIfNull(definitions);
        _declared = new HashSet<ExpirableDefinition>(definitions, ReferenceEqualityComparer.Instance);
        Runtime = runtime;
        ModuleName = moduleName;
    }

    /// <summary>The runtime that stores the values.</summary>
    protected ExpirableRuntime Runtime { get; }

    /// <summary>"&lt;namespace&gt;.&lt;class&gt;".</summary>
    protected string ModuleName { get; }

    /// <summary>Fetches a value by its declared name, boxed.</summary>
    /// <param name="name">The declared name.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">No expirable of that name.</exception>
    public ValueTask<Fetched<object?>> FetchAsync(string name, CancellationToken cancellationToken = default) =>
        Find(name).FetchBoxedAsync(cancellationToken);

    /// <summary>Fetches a value by its declared name.</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">No expirable of that name and type.</exception>
    public ValueTask<Fetched<T>> FetchAsync<T>(string name, CancellationToken cancellationToken = default) =>
        Find<T>(name).FetchAsync(cancellationToken);

    /// <summary>Gets a value by its declared name, boxed; throws when the fetch fails.</summary>
    /// <param name="name">The declared name.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed.</exception>
    /// <exception cref="ArgumentException">No expirable of that name.</exception>
    public ValueTask<object?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        Find(name).GetBoxedAsync(cancellationToken);

    /// <summary>Gets a value by its declared name; throws when the fetch fails.</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed.</exception>
    /// <exception cref="ArgumentException">No expirable of that name and type.</exception>
    public ValueTask<T> GetAsync<T>(string name, CancellationToken cancellationToken = default) =>
        Find<T>(name).GetAsync(cancellationToken);

    /// <summary>Removes a value by its declared name; the next access fetches.</summary>
    /// <param name="name">The declared name.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the value is removed.</returns>
    /// <exception cref="ArgumentException">No expirable of that name.</exception>
    public ValueTask ClearAsync(string name, CancellationToken cancellationToken = default) =>
        Find(name).ClearAsync(cancellationToken);

    /// <summary>
    /// Compare-and-clear by declared name: removes the value only if it is still <paramref name="staleValue"/>
    /// (see <see cref="Expirable{T}.InvalidateAsync"/>).
    /// </summary>
    /// <param name="name">The declared name.</param>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    /// <exception cref="ArgumentException">No expirable of that name, or <paramref name="staleValue"/> is not of its type.</exception>
    public ValueTask<bool> InvalidateAsync(string name, object? staleValue, CancellationToken cancellationToken = default) =>
        Find(name).InvalidateBoxedAsync(staleValue, cancellationToken);

    /// <summary>Compare-and-clear by declared name (see <see cref="Expirable{T}.InvalidateAsync"/>).</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    /// <exception cref="ArgumentException">No expirable of that name and type.</exception>
    public ValueTask<bool> InvalidateAsync<T>(string name, T staleValue, CancellationToken cancellationToken = default) =>
        Find<T>(name).InvalidateAsync(staleValue, cancellationToken);

    /// <summary>Removes every value of this class (in every process, for cluster scope).</summary>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the values are removed.</returns>
    public async ValueTask ClearAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var expirable in _byName.Values)
        {
            expirable.ClearLocal();
        }

        foreach (var (store, slots) in Runtime.GroupByStore(_slots))
        {
            await Runtime.WaitUntilStoreReadyAsync(store, cancellationToken).ConfigureAwait(false);
            await store.ClearAllAsync(ModuleName + ".", slots, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the <see cref="Expirable{T}"/> of one definition (generated constructors call this once per definition).</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="definition">The declaration.</param>
    /// <param name="fetch">The fetch method, normalised by <see cref="Fetcher"/>.</param>
    /// <returns>The expirable.</returns>
    protected Expirable<T> Create<T>(ExpirableDefinition definition, Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(fetch);
        if (!_declared.Contains(definition))
        {
            throw new ArgumentException($"Expirable '{definition.Name}' is not one of the definitions module '{ModuleName}' was constructed with.", nameof(definition));
        }

        if (_byName.ContainsKey(definition.Name))
        {
            throw new ArgumentException($"Expirable '{definition.Name}' is created twice in module '{ModuleName}'.", nameof(definition));
        }

        var key = ModuleName + "." + definition.Name;
        var byKey = ByRuntime.GetValue(Runtime, static _ => new Dictionary<string, IUntypedExpirable>(StringComparer.Ordinal));
        Expirable<T> expirable;
        lock (byKey)
        {
            if (byKey.TryGetValue(key, out var existing))
            {
                // The same class constructed again on this runtime: share. Another declaration under the same key: refuse.
                expirable = existing is Expirable<T> same && ReferenceEquals(same.Definition, definition)
                    ? same
                    : throw new ArgumentException($"Another expirable with key '{key}' already exists on this runtime (a different class or declaration with the same module name).", nameof(definition));
            }
            else
            {
                expirable = new Expirable<T>(Runtime, key, definition, fetch);
                byKey.Add(key, expirable);
            }
        }

        _byName.Add(definition.Name, expirable);
        _slots.Add(((IUntypedExpirable)expirable).Slot);
        return expirable;
    }

    private IUntypedExpirable Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var expirable)
            ? expirable
            : throw new ArgumentException($"Module '{ModuleName}' has no expirable named '{name}'.", nameof(name));
    }

    private Expirable<T> Find<T>(string name) =>
        Find(name) as Expirable<T>
        ?? throw new ArgumentException($"Expirable '{name}' of module '{ModuleName}' is not of type {typeof(T)}.", nameof(name));
}
