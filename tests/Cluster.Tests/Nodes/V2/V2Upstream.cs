// The upstream of ClusterV2Expirables.expirables, and the module's bucket keys.
#nullable enable
#pragma warning disable CS1591

using global::System;
using global::System.Collections.Concurrent;
using global::System.Threading;
using global::System.Threading.Tasks;
using global::Microsoft.Extensions.DependencyInjection;

namespace ExpirableStore.Cluster.Tests.Nodes.V2
{
    public sealed partial class ClusterV2Expirables
    {
        public const string Name = "ExpirableStore.Cluster.Tests.Nodes.V2.ClusterV2Expirables";

        /// <summary>The bucket key of an expirable of this module under the default key prefix.</summary>
        public static string Key(string name) => global::ExpirableStore.Internal.Cluster.ClusterStoreOptions.ResolveKeyPrefix(null) + "." + Name + "." + name;
    }

    /// <summary>
    /// The upstream the fetch methods call, reached through the runtime's services: per-key tokens, and an
    /// OAuth server that rotates refresh tokens and rejects one used twice.
    /// </summary>
    public sealed class V2Upstream
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();
        private readonly ConcurrentDictionary<string, bool> _used = new();

        public V2Upstream(TimeProvider time) => Time = time;

        public TimeProvider Time { get; }

        public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Awaited by every fetch before it answers (a test holds fetches with it).</summary>
        public Func<CancellationToken, Task> Gate { get; set; } = _ => Task.CompletedTask;

        /// <summary>Every refresh token presented, in order.</summary>
        public ConcurrentQueue<string> Presented { get; } = new();

        public ConcurrentQueue<string> TokenCalls { get; } = new();

        public int Reused => Presented.Count - _used.Count;

        public static async ValueTask<Fetched<string>> Token(string key, IServiceProvider services, CancellationToken cancellationToken)
        {
            var upstream = services.GetRequiredService<V2Upstream>();
            upstream.TokenCalls.Enqueue(key);
            await upstream.Gate(cancellationToken).ConfigureAwait(false);
            var n = upstream._counts.AddOrUpdate(key, 1, static (_, c) => c + 1);
            return Fetched.Ok($"{key}-{n}", upstream.Time.GetUtcNow() + upstream.Ttl);
        }

        public static ValueTask<Fetched<string, string>> Refresh(string refreshToken, IServiceProvider services, CancellationToken cancellationToken) =>
            services.GetRequiredService<V2Upstream>().RotateAsync(string.Empty, refreshToken, cancellationToken);

        public static ValueTask<Fetched<string, string>> RefreshTenant(Guid tenant, string refreshToken, IServiceProvider services, CancellationToken cancellationToken) =>
            services.GetRequiredService<V2Upstream>().RotateAsync(tenant.ToString("N")[..6] + ":", refreshToken, cancellationToken);

        /// <summary>rt-N gives at-N and rt-(N+1); a refresh token presented twice is rejected (its state stays).</summary>
        private async ValueTask<Fetched<string, string>> RotateAsync(string prefix, string refreshToken, CancellationToken cancellationToken)
        {
            Presented.Enqueue(prefix + refreshToken);
            await Gate(cancellationToken).ConfigureAwait(false);
            if (!_used.TryAdd(prefix + refreshToken, true))
            {
                return Fetched.Failed<string>("invalid_grant: refresh token reused").WithState(refreshToken);
            }

            var n = int.Parse(refreshToken.AsSpan(refreshToken.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture);
            var stem = refreshToken[..refreshToken.LastIndexOf('-')];
            return Fetched.Ok($"at-{stem}-{n}", Time.GetUtcNow() + Ttl).WithState($"{stem}-{n + 1}");
        }
    }
}
