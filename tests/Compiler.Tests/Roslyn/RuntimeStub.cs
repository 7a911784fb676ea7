// The runtime types of docs/generated-code-contract.md (version 2 included), with just enough body to compile:
// the generated code is compiled against this in GeneratedCodeCompilationTests.
#nullable enable
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore
{
    public enum ExpirableScope { Cluster = 0, Local = 1 }
    public enum RefreshMode { Lazy = 0, Eager = 1 }

    public readonly struct Fetched<T>
    {
        public bool IsOk => true;
        public T Value => default!;
        public Fetched<T, S> WithState<S>(S nextState) => default;
    }

    public readonly struct Fetched<T, S>
    {
        public Fetched<T> Outcome => default;
        public S NextState => default!;
    }

    public sealed class ExpirableRuntime { }

    public sealed class Expirable<T> { }

    public sealed class KeyedExpirable<TKey, T> where TKey : notnull { }

    public sealed class StatefulExpirable<T, S> { }

    public sealed class KeyedStatefulExpirable<TKey, T, S> where TKey : notnull { }

    public sealed class ExpirableDefinition
    {
        public ExpirableDefinition(string name, string memberName, string valueType, ExpirableScope scope, RefreshMode refresh,
            TimeSpan? eagerBefore, TimeSpan? timeout, string sourceFile, int line) { }

        public ExpirableDefinition(string name, string memberName, string valueType, string? keyType, string? stateType, bool stateRequired,
            ExpirableScope scope, RefreshMode refresh, TimeSpan? eagerBefore, TimeSpan? timeout, string sourceFile, int line) { }
    }

    public static class Fetcher
    {
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<Fetched<T>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<Task<Fetched<T>>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<ValueTask<Fetched<T>>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<CancellationToken, Fetched<T>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<CancellationToken, Task<Fetched<T>>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<CancellationToken, ValueTask<Fetched<T>>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<IServiceProvider, CancellationToken, Fetched<T>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<IServiceProvider, CancellationToken, Task<Fetched<T>>> fetch) => null!;
        public static Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> For<T>(Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, Fetched<T>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, Task<Fetched<T>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, ValueTask<Fetched<T>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, CancellationToken, Fetched<T>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, CancellationToken, Task<Fetched<T>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, CancellationToken, ValueTask<Fetched<T>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, IServiceProvider, CancellationToken, Fetched<T>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, IServiceProvider, CancellationToken, Task<Fetched<T>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> ForKeyed<TKey, T>(Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) where TKey : notnull => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, Fetched<T, S>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, Task<Fetched<T, S>>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, ValueTask<Fetched<T, S>>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, CancellationToken, Fetched<T, S>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, CancellationToken, Task<Fetched<T, S>>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, CancellationToken, ValueTask<Fetched<T, S>>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, IServiceProvider, CancellationToken, Fetched<T, S>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, IServiceProvider, CancellationToken, Task<Fetched<T, S>>> fetch) => null!;
        public static Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForStateful<T, S>(Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch) => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, Fetched<T, S>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, Task<Fetched<T, S>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, CancellationToken, Fetched<T, S>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, CancellationToken, Task<Fetched<T, S>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, CancellationToken, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, IServiceProvider, CancellationToken, Fetched<T, S>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, IServiceProvider, CancellationToken, Task<Fetched<T, S>>> fetch) where TKey : notnull => null!;
        public static Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> ForKeyedStateful<TKey, T, S>(Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull => null!;
    }

    public abstract class ExpirableModule
    {
        protected ExpirableModule(ExpirableRuntime runtime, string moduleName, IReadOnlyList<ExpirableDefinition> definitions) { }

        protected Expirable<T> Create<T>(ExpirableDefinition definition,
            Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) => new Expirable<T>();

        protected KeyedExpirable<TKey, T> CreateKeyed<TKey, T>(ExpirableDefinition definition,
            Func<TKey, IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) where TKey : notnull => new KeyedExpirable<TKey, T>();

        protected StatefulExpirable<T, S> CreateStateful<T, S>(ExpirableDefinition definition,
            Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch) => new StatefulExpirable<T, S>();

        protected KeyedStatefulExpirable<TKey, T, S> CreateKeyedStateful<TKey, T, S>(ExpirableDefinition definition,
            Func<TKey, S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch) where TKey : notnull => new KeyedStatefulExpirable<TKey, T, S>();

        public ValueTask<Fetched<object?>> FetchAsync(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask<Fetched<T>> FetchAsync<T>(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask<object?> GetAsync(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask<T> GetAsync<T>(string name, CancellationToken cancellationToken = default) => default!;
        public ValueTask ClearAsync(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask ClearAllAsync(CancellationToken cancellationToken = default) => default;
    }
}
