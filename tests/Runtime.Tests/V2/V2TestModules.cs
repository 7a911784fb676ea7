// Hand-written in the shape the compiler emits for language version 2 (design-v2.md: CreateKeyed,
// CreateStateful, CreateKeyedStateful with the Fetcher.For* adapters), until the compiler's v2 is merged.
#nullable enable
#pragma warning disable CS1591

using global::System;
using global::System.Collections.Concurrent;
using global::System.Threading;
using global::System.Threading.Tasks;

namespace ExpirableStore.Runtime.Tests.V2
{
    public sealed record Grant(string Prefix);

    [global::System.CodeDom.Compiler.GeneratedCode("expirablesc", "0.2.0")]
    public sealed partial class V2Expirables : global::ExpirableStore.ExpirableModule
    {
        public static global::System.Collections.Generic.IReadOnlyList<global::ExpirableStore.ExpirableDefinition> Definitions { get; } =
            new global::ExpirableStore.ExpirableDefinition[]
            {
                new global::ExpirableStore.ExpirableDefinition(
                    name: "local_lazy_keyed", memberName: "LocalLazyKeyed", valueType: "string",
                    keyType: "string", stateType: null, stateRequired: false,
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "V2.expirables", line: 1),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "local_eager_keyed", memberName: "LocalEagerKeyed", valueType: "string",
                    keyType: "string", stateType: null, stateRequired: false,
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Eager,
                    eagerBefore: global::System.TimeSpan.FromMilliseconds(10000), timeout: null,
                    sourceFile: "V2.expirables", line: 2),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "cluster_lazy_keyed", memberName: "ClusterLazyKeyed", valueType: "string",
                    keyType: "string", stateType: null, stateRequired: false,
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "V2.expirables", line: 3),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "cluster_eager_keyed", memberName: "ClusterEagerKeyed", valueType: "string",
                    keyType: "string", stateType: null, stateRequired: false,
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Eager,
                    eagerBefore: global::System.TimeSpan.FromMilliseconds(10000), timeout: null,
                    sourceFile: "V2.expirables", line: 4),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "stateful_counter", memberName: "StatefulCounter", valueType: "string",
                    keyType: null, stateType: "int", stateRequired: false,
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "V2.expirables", line: 5),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "require_init_example", memberName: "RequireInitExample", valueType: "string",
                    keyType: null, stateType: "Grant", stateRequired: true,
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "V2.expirables", line: 6),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "require_init_keyed", memberName: "RequireInitKeyed", valueType: "string",
                    keyType: "string", stateType: "Grant", stateRequired: true,
                    scope: global::ExpirableStore.ExpirableScope.Local,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "V2.expirables", line: 7),
                new global::ExpirableStore.ExpirableDefinition(
                    name: "keyed_counter", memberName: "KeyedCounter", valueType: "string",
                    keyType: "Guid", stateType: "int", stateRequired: false,
                    scope: global::ExpirableStore.ExpirableScope.Cluster,
                    refresh: global::ExpirableStore.RefreshMode.Lazy,
                    eagerBefore: null, timeout: null,
                    sourceFile: "V2.expirables", line: 8),
            };

        public V2Expirables(global::ExpirableStore.ExpirableRuntime runtime)
            : base(runtime, "ExpirableStore.Runtime.Tests.V2.V2Expirables", Definitions)
        {
            this.LocalLazyKeyed = this.CreateKeyed(Definitions[0], global::ExpirableStore.Fetcher.ForKeyed<
                string
                ,
                string
            >(
                V2Sources.LocalLazyKeyed
            ));
            this.LocalEagerKeyed = this.CreateKeyed(Definitions[1], global::ExpirableStore.Fetcher.ForKeyed<
                string
                ,
                string
            >(
                V2Sources.LocalEagerKeyed
            ));
            this.ClusterLazyKeyed = this.CreateKeyed(Definitions[2], global::ExpirableStore.Fetcher.ForKeyed<
                string
                ,
                string
            >(
                V2Sources.ClusterLazyKeyed
            ));
            this.ClusterEagerKeyed = this.CreateKeyed(Definitions[3], global::ExpirableStore.Fetcher.ForKeyed<
                string
                ,
                string
            >(
                V2Sources.ClusterEagerKeyed
            ));
            this.StatefulCounter = this.CreateStateful(Definitions[4], global::ExpirableStore.Fetcher.ForStateful<
                string
                ,
                int
            >(
                V2Sources.StatefulCounter
            ));
            this.RequireInitExample = this.CreateStateful(Definitions[5], global::ExpirableStore.Fetcher.ForStateful<
                string
                ,
                Grant
            >(
                V2Sources.RequireInitExample
            ));
            this.RequireInitKeyed = this.CreateKeyedStateful(Definitions[6], global::ExpirableStore.Fetcher.ForKeyedStateful<
                string
                ,
                string
                ,
                Grant
            >(
                V2Sources.RequireInitKeyed
            ));
            this.KeyedCounter = this.CreateKeyedStateful(Definitions[7], global::ExpirableStore.Fetcher.ForKeyedStateful<
                Guid
                ,
                string
                ,
                int
            >(
                V2Sources.KeyedCounter
            ));
        }

        public global::ExpirableStore.KeyedExpirable<string, string> LocalLazyKeyed { get; }

        public global::ExpirableStore.KeyedExpirable<string, string> LocalEagerKeyed { get; }

        public global::ExpirableStore.KeyedExpirable<string, string> ClusterLazyKeyed { get; }

        public global::ExpirableStore.KeyedExpirable<string, string> ClusterEagerKeyed { get; }

        public global::ExpirableStore.StatefulExpirable<string, int> StatefulCounter { get; }

        public global::ExpirableStore.StatefulExpirable<string, Grant> RequireInitExample { get; }

        public global::ExpirableStore.KeyedStatefulExpirable<string, string, Grant> RequireInitKeyed { get; }

        public global::ExpirableStore.KeyedStatefulExpirable<Guid, string, int> KeyedCounter { get; }
    }

    /// <summary>The fetch methods of <see cref="V2Expirables"/>: each call is recorded; values live 60 s.</summary>
    public static class V2Sources
    {
        public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

        public static TimeProvider Time { get; set; } = TimeProvider.System;

        /// <summary>Every call, in order: (name, key or null, state received).</summary>
        public static ConcurrentQueue<(string Name, object? Key, object? State)> Calls { get; } = new();

        private static readonly ConcurrentDictionary<string, int> Counts = new();

        /// <summary>Replaces a fetch's body (a test that blocks or fails it); null: the default body.</summary>
        public static Func<string, object?, object?, Task>? Gate { get; set; }

        /// <summary>When set, stateful fetches fail and hand back this next state.</summary>
        public static bool Fail { get; set; }

        public static void Reset()
        {
            Calls.Clear();
            Counts.Clear();
            Gate = null;
            Fail = false;
        }

        public static int CallsOf(string name, object? key = null) =>
            System.Linq.Enumerable.Count(Calls, c => c.Name == name && (key is null || Equals(c.Key, key)));

        public static Fetched<string> LocalLazyKeyed(string key) => Keyed("local_lazy_keyed", key);

        public static Fetched<string> LocalEagerKeyed(string key) => Keyed("local_eager_keyed", key);

        public static async Task<Fetched<string>> ClusterLazyKeyed(string key, CancellationToken cancellationToken)
        {
            await Enter("cluster_lazy_keyed", key, null).ConfigureAwait(false);
            return Ok($"cluster_lazy_keyed_{key}_{Next("cluster_lazy_keyed", key)}");
        }

        public static ValueTask<Fetched<string>> ClusterEagerKeyed(string key, IServiceProvider services, CancellationToken cancellationToken) =>
            new(Keyed("cluster_eager_keyed", key));

        public static Fetched<string, int> StatefulCounter(int state)
        {
            Enter("stateful_counter", null, state).GetAwaiter().GetResult();
            var next = state + 1;
            return (Fail ? Fetched.Failed<string>("upstream down") : Ok($"stateful_counter_{next}")).WithState(next);
        }

        public static async Task<Fetched<string, Grant>> RequireInitExample(Grant state, CancellationToken cancellationToken)
        {
            await Enter("require_init_example", null, state).ConfigureAwait(false);
            return Ok($"require_init_{state.Prefix}_{Next("require_init_example", null)}").WithState(state);
        }

        public static Fetched<string, Grant> RequireInitKeyed(string key, Grant state)
        {
            Enter("require_init_keyed", key, state).GetAwaiter().GetResult();
            return Ok($"require_init_keyed_{key}_{state.Prefix}_{Next("require_init_keyed", key)}").WithState(state);
        }

        public static ValueTask<Fetched<string, int>> KeyedCounter(Guid key, int state, IServiceProvider services, CancellationToken cancellationToken)
        {
            Enter("keyed_counter", key, state).GetAwaiter().GetResult();
            var next = state + 1;
            return new((Fail ? Fetched.Failed<string>("upstream down") : Ok($"keyed_counter_{next}")).WithState(next));
        }

        private static Fetched<string> Keyed(string name, string key)
        {
            Enter(name, key, null).GetAwaiter().GetResult();
            return Ok($"{name}_{key}_{Next(name, key)}");
        }

        private static Task Enter(string name, object? key, object? state)
        {
            Calls.Enqueue((name, key, state));
            return Gate?.Invoke(name, key, state) ?? Task.CompletedTask;
        }

        private static int Next(string name, object? key) => Counts.AddOrUpdate(name + "|" + key, 1, static (_, n) => n + 1);

        private static Fetched<string> Ok(string value) => Fetched.Ok(value, Time.GetUtcNow() + Lifetime);
    }
}
