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
    private readonly HashSet<IExpirableStore> _keyedStores = new(ReferenceEqualityComparer.Instance);

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

    /// <summary>Removes a value (and state) by its declared name; of a keyed expirable, every key. The next access fetches.</summary>
    /// <param name="name">The declared name.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the value is removed.</returns>
    /// <exception cref="ArgumentException">No expirable of that name.</exception>
    public ValueTask ClearAsync(string name, CancellationToken cancellationToken = default) =>
        Find(name).ClearAsync(cancellationToken);

    /// <summary>
    /// Compare-and-clear by declared name: removes the value only if it is still <paramref name="staleValue"/>
    /// (see <see cref="Expirable{T}.InvalidateAsync(T, CancellationToken)"/>).
    /// </summary>
    /// <param name="name">The declared name.</param>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    /// <exception cref="ArgumentException">No expirable of that name, or <paramref name="staleValue"/> is not of its type.</exception>
    public ValueTask<bool> InvalidateAsync(string name, object? staleValue, CancellationToken cancellationToken = default) =>
        Find(name).InvalidateBoxedAsync(staleValue, cancellationToken);

    /// <summary>Compare-and-clear by declared name (see <see cref="Expirable{T}.InvalidateAsync(T, CancellationToken)"/>).</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    /// <exception cref="ArgumentException">No expirable of that name and type.</exception>
    public ValueTask<bool> InvalidateAsync<T>(string name, T staleValue, CancellationToken cancellationToken = default) =>
        Find<T>(name).InvalidateAsync(staleValue, cancellationToken);

    /// <summary>Fetches the value of one key of a keyed expirable by its declared name, boxed.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">No keyed expirable of that name and key type.</exception>
    public ValueTask<Fetched<object?>> FetchAsync<TKey>(string name, TKey key, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedUntyped<TKey>>(name, $"keyed by {typeof(TKey)}").FetchBoxedAsync(key, cancellationToken);

    /// <summary>Fetches the value of one key of a keyed expirable by its declared name.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">No keyed expirable of that name, key type and value type.</exception>
    public ValueTask<Fetched<T>> FetchAsync<TKey, T>(string name, TKey key, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedAccess<TKey, T>>(name, $"keyed by {typeof(TKey)} with values of type {typeof(T)}").FetchAsync(key, cancellationToken);

    /// <summary>Gets the value of one key of a keyed expirable by its declared name, boxed; throws when the fetch fails.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed.</exception>
    /// <exception cref="ArgumentException">No keyed expirable of that name and key type.</exception>
    public ValueTask<object?> GetAsync<TKey>(string name, TKey key, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedUntyped<TKey>>(name, $"keyed by {typeof(TKey)}").GetBoxedAsync(key, cancellationToken);

    /// <summary>Gets the value of one key of a keyed expirable by its declared name; throws when the fetch fails.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Ends this caller's wait only.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ExpirableFetchException">The fetch failed.</exception>
    /// <exception cref="ArgumentException">No keyed expirable of that name, key type and value type.</exception>
    public ValueTask<T> GetAsync<TKey, T>(string name, TKey key, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedAccess<TKey, T>>(name, $"keyed by {typeof(TKey)} with values of type {typeof(T)}").GetAsync(key, cancellationToken);

    /// <summary>Removes the value (and state) of one key of a keyed expirable by its declared name; <see cref="ClearAsync(string, CancellationToken)"/> clears all its keys.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the value is removed.</returns>
    /// <exception cref="ArgumentException">No keyed expirable of that name and key type.</exception>
    public ValueTask ClearAsync<TKey>(string name, TKey key, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedUntyped<TKey>>(name, $"keyed by {typeof(TKey)}").ClearAsync(key, cancellationToken);

    /// <summary>Compare-and-clear of one key's value by declared name (see <see cref="KeyedExpirable{TKey, T}.InvalidateAsync"/>).</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="staleValue">The value the caller got and found bad.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>Whether this call removed the value.</returns>
    /// <exception cref="ArgumentException">No keyed expirable of that name, key type and value type.</exception>
    public ValueTask<bool> InvalidateAsync<TKey, T>(string name, TKey key, T staleValue, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedAccess<TKey, T>>(name, $"keyed by {typeof(TKey)} with values of type {typeof(T)}").InvalidateAsync(key, staleValue, cancellationToken);

    /// <summary>Replaces the state of a stateful expirable by its declared name (see <see cref="StatefulExpirable{T, S}.PutStateAsync"/>).</summary>
    /// <typeparam name="S">The declared state type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="state">The new state.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    /// <exception cref="ArgumentException">No stateful, non-keyed expirable of that name and state type.</exception>
    public ValueTask PutStateAsync<S>(string name, S state, CancellationToken cancellationToken = default) =>
        FindAs<IStateAccess<S>>(name, $"stateful with states of type {typeof(S)} (a keyed one takes a key)").PutStateAsync(state, cancellationToken);

    /// <summary>Replaces the state of one key of a keyed stateful expirable by its declared name.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="S">The declared state type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="state">The new state.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    /// <exception cref="ArgumentException">No keyed stateful expirable of that name, key type and state type.</exception>
    public ValueTask PutStateAsync<TKey, S>(string name, TKey key, S state, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedStateAccess<TKey, S>>(name, $"keyed by {typeof(TKey)} and stateful with states of type {typeof(S)}").PutStateAsync(key, state, cancellationToken);

    /// <summary>Transforms the state of a stateful expirable by its declared name (see <see cref="StatefulExpirable{T, S}.UpdateStateAsync"/>).</summary>
    /// <typeparam name="S">The declared state type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="update">From the state (the default when none) to the new state; pure, it may run more than once.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>A task that completes when the new state is stored.</returns>
    /// <exception cref="ArgumentException">No stateful, non-keyed expirable of that name and state type.</exception>
    public ValueTask UpdateStateAsync<S>(string name, Func<S?, S> update, CancellationToken cancellationToken = default) =>
        FindAs<IStateAccess<S>>(name, $"stateful with states of type {typeof(S)} (a keyed one takes a key)").UpdateStateAsync(update, cancellationToken);

    /// <summary>Transforms the state of one key of a keyed stateful expirable by its declared name.</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="S">The declared state type.</typeparam>
    /// <param name="name">The declared name.</param>
    /// <param name="key">The runtime key.</param>
    /// <param name="update">From the state (the default when none) to the new state; pure, it may run more than once.</param>
    /// <param name="cancellationToken">Cancels the wait for the cluster write.</param>
    /// <returns>A task that completes when the new state is stored.</returns>
    /// <exception cref="ArgumentException">No keyed stateful expirable of that name, key type and state type.</exception>
    public ValueTask UpdateStateAsync<TKey, S>(string name, TKey key, Func<S?, S> update, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        FindAs<IKeyedStateAccess<TKey, S>>(name, $"keyed by {typeof(TKey)} and stateful with states of type {typeof(S)}").UpdateStateAsync(key, update, cancellationToken);

    /// <summary>Removes every value (and state) of this class, keyed expirables with all their keys (in every process, for cluster scope).</summary>
    /// <param name="cancellationToken">Cancels the wait for the cluster deletion.</param>
    /// <returns>A task that completes when the values are removed.</returns>
    public async ValueTask ClearAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var expirable in _byName.Values)
        {
            expirable.ClearLocal();
        }

        // A store of keyed expirables only is cleared too: by the module's prefix, which covers every key.
        var groups = Runtime.GroupByStore(_slots).ToList();
        foreach (var store in _keyedStores)
        {
            if (!groups.Exists(group => ReferenceEquals(group.Store, store)))
            {
                groups.Add((store, []));
            }
        }

        foreach (var (store, slots) in groups)
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
        ArgumentNullException.ThrowIfNull(fetch);
        return Add(definition, keyed: false, stateful: false, key => new Expirable<T>(Runtime, key, definition, fetch));
    }

    /// <summary>Creates the <see cref="KeyedExpirable{TKey, T}"/> of one definition (<c>key TKey</c>).</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <param name="definition">The declaration.</param>
    /// <param name="fetch">The fetch method, normalised by <see cref="Fetcher.ForKeyed{TKey, T}(Func{TKey, IServiceProvider, CancellationToken, ValueTask{Fetched{T}}})"/>.</param>
    /// <returns>The expirable.</returns>
    /// <exception cref="ArgumentException">The definition is not keyed, or is stateful, or is of scope cluster with a key type the bucket cannot encode.</exception>
    protected KeyedExpirable<TKey, T> CreateKeyed<TKey, T>(ExpirableDefinition definition, Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        RequireEncodableKey<TKey>(definition);
        return Add(definition, keyed: true, stateful: false, key => new KeyedExpirable<TKey, T>(Runtime, key, definition, fetch));
    }

    /// <summary>Creates the <see cref="StatefulExpirable{T, S}"/> of one definition (<c>state S</c>).</summary>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <typeparam name="S">The declared state type.</typeparam>
    /// <param name="definition">The declaration.</param>
    /// <param name="fetch">The fetch method, normalised by <see cref="Fetcher.ForStateful{T, S}(Func{S, IServiceProvider, CancellationToken, ValueTask{Fetched{T, S}}})"/>.</param>
    /// <returns>The expirable.</returns>
    /// <exception cref="ArgumentException">The definition is not stateful, or is keyed.</exception>
    protected StatefulExpirable<T, S> CreateStateful<T, S>(ExpirableDefinition definition, Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        return Add(definition, keyed: false, stateful: true, key => new StatefulExpirable<T, S>(Runtime, key, definition, fetch));
    }

    /// <summary>Creates the <see cref="KeyedStatefulExpirable{TKey, T, S}"/> of one definition (<c>key TKey; state S</c>).</summary>
    /// <typeparam name="TKey">The declared key type.</typeparam>
    /// <typeparam name="T">The declared value type.</typeparam>
    /// <typeparam name="S">The declared state type.</typeparam>
    /// <param name="definition">The declaration.</param>
    /// <param name="fetch">The fetch method, normalised by <see cref="Fetcher.ForKeyedStateful{TKey, T, S}(Func{TKey, S, IServiceProvider, CancellationToken, ValueTask{Fetched{T, S}}})"/>.</param>
    /// <returns>The expirable.</returns>
    /// <exception cref="ArgumentException">The definition is not keyed and stateful, or is of scope cluster with a key type the bucket cannot encode.</exception>
    protected KeyedStatefulExpirable<TKey, T, S> CreateKeyedStateful<TKey, T, S>(ExpirableDefinition definition, Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(fetch);
        RequireEncodableKey<TKey>(definition);
        return Add(definition, keyed: true, stateful: true, key => new KeyedStatefulExpirable<TKey, T, S>(Runtime, key, definition, fetch));
    }

    private static void RequireEncodableKey<TKey>(ExpirableDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Scope == ExpirableScope.Cluster && !KeyEncoding.IsSupported(typeof(TKey)))
        {
            throw new ArgumentException(
                $"Expirable '{definition.Name}' has scope cluster and key type {typeof(TKey)}, which the cluster bucket cannot encode; "
                + "use string, Guid, an integer type, an enum, bool or char (or scope local).",
                nameof(definition));
        }
    }

    private TExpirable Add<TExpirable>(ExpirableDefinition definition, bool keyed, bool stateful, Func<string, TExpirable> create)
        where TExpirable : class, IUntypedExpirable
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!_declared.Contains(definition))
        {
            throw new ArgumentException($"Expirable '{definition.Name}' is not one of the definitions module '{ModuleName}' was constructed with.", nameof(definition));
        }

        if (definition.IsKeyed != keyed || definition.IsStateful != stateful)
        {
            throw new ArgumentException(
                $"Expirable '{definition.Name}' is {Kind(definition.IsKeyed, definition.IsStateful)}; it is created as {Kind(keyed, stateful)}.",
                nameof(definition));
        }

        if (_byName.ContainsKey(definition.Name))
        {
            throw new ArgumentException($"Expirable '{definition.Name}' is created twice in module '{ModuleName}'.", nameof(definition));
        }

        var key = ModuleName + "." + definition.Name;
        var byKey = ByRuntime.GetValue(Runtime, static _ => new Dictionary<string, IUntypedExpirable>(StringComparer.Ordinal));
        TExpirable expirable;
        lock (byKey)
        {
            if (byKey.TryGetValue(key, out var existing))
            {
                // The same class constructed again on this runtime: share. Another declaration under the same key: refuse.
                expirable = existing is TExpirable same && ReferenceEquals(same.Definition, definition)
                    ? same
                    : throw new ArgumentException($"Another expirable with key '{key}' already exists on this runtime (a different class or declaration with the same module name).", nameof(definition));
            }
            else
            {
                expirable = create(key);
                byKey.Add(key, expirable);
            }
        }

        _byName.Add(definition.Name, expirable);
        if (expirable.Slot is { } slot)
        {
            _slots.Add(slot);
        }
        else
        {
            _keyedStores.Add(Runtime.StoreFor(definition.Scope));
        }

        return expirable;

        static string Kind(bool keyed, bool stateful) => (keyed, stateful) switch
        {
            (false, false) => "neither keyed nor stateful (Create)",
            (true, false) => "keyed (CreateKeyed)",
            (false, true) => "stateful (CreateStateful)",
            (true, true) => "keyed and stateful (CreateKeyedStateful)",
        };
    }

    private IUntypedExpirable Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var expirable)
            ? expirable
            : throw new ArgumentException($"Module '{ModuleName}' has no expirable named '{name}'.", nameof(name));
    }

    private IExpirableAccess<T> Find<T>(string name) =>
        Find(name) switch
        {
            IExpirableAccess<T> found => found,
            { Slot: null } => throw Untyped.Keyed(name),
            _ => throw new ArgumentException($"Expirable '{name}' of module '{ModuleName}' is not of type {typeof(T)}.", nameof(name)),
        };

    private TAccess FindAs<TAccess>(string name, string what)
        where TAccess : class =>
        Find(name) as TAccess
        ?? throw new ArgumentException($"Expirable '{name}' of module '{ModuleName}' is not {what}.", nameof(name));
}
