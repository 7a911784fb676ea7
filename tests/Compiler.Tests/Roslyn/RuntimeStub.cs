// The runtime types of docs/generated-code-contract.md, with just enough body to compile:
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
    }

    public sealed class ExpirableRuntime { }

    public sealed class Expirable<T> { }

    public sealed class ExpirableDefinition
    {
        public ExpirableDefinition(string name, string memberName, string valueType, ExpirableScope scope, RefreshMode refresh,
            TimeSpan? eagerBefore, TimeSpan? timeout, string sourceFile, int line) { }
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
    }

    public abstract class ExpirableModule
    {
        protected ExpirableModule(ExpirableRuntime runtime, string moduleName, IReadOnlyList<ExpirableDefinition> definitions) { }

        protected Expirable<T> Create<T>(ExpirableDefinition definition,
            Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) => new Expirable<T>();

        public ValueTask<Fetched<object?>> FetchAsync(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask<Fetched<T>> FetchAsync<T>(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask<object?> GetAsync(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask<T> GetAsync<T>(string name, CancellationToken cancellationToken = default) => default!;
        public ValueTask ClearAsync(string name, CancellationToken cancellationToken = default) => default;
        public ValueTask ClearAllAsync(CancellationToken cancellationToken = default) => default;
    }
}
