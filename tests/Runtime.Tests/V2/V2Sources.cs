// The fetch methods and the state type of V2Expirables.expirables.
#nullable enable
#pragma warning disable CS1591

using global::System;
using global::System.Collections.Concurrent;
using global::System.Threading;
using global::System.Threading.Tasks;

namespace ExpirableStore.Runtime.Tests.V2
{
    public sealed record Grant(string Prefix);

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
