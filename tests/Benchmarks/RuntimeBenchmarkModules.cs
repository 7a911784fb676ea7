using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// What the compiler would generate for two declarations (one per scope), written by hand:
/// <c>expirable local_token: string = fetch ... scope local</c> and the same with <c>scope cluster</c>.
/// Each fetch counts its calls so a benchmark can prove every measured access is a hit.
/// </summary>
internal sealed class RuntimeHitModule : ExpirableModule
{
    public const string Value = "gho_the-cached-access-token";

    private int _localFetches;
    private int _clusterFetches;

    public RuntimeHitModule(ExpirableRuntime runtime)
        : base(runtime, "ExpirableStore.Benchmarks.RuntimeHitModule", Definitions)
    {
        LocalToken = Create<string>(Definitions[0], Fetcher.For<string>(() =>
        {
            Interlocked.Increment(ref _localFetches);
            return Fetched.Ok(Value, DateTimeOffset.UtcNow.AddHours(1));
        }));
        ClusterToken = Create<string>(Definitions[1], Fetcher.For<string>(() =>
        {
            Interlocked.Increment(ref _clusterFetches);
            return Fetched.Ok(Value, DateTimeOffset.UtcNow.AddHours(1));
        }));
    }

    public static IReadOnlyList<ExpirableDefinition> Definitions { get; } =
    [
        new ExpirableDefinition("local_token", "LocalToken", "string", ExpirableScope.Local, RefreshMode.Lazy, null, null, "Benchmarks.expirables", 1),
        new ExpirableDefinition("cluster_token", "ClusterToken", "string", ExpirableScope.Cluster, RefreshMode.Lazy, null, null, "Benchmarks.expirables", 2),
    ];

    public Expirable<string> LocalToken { get; }

    public Expirable<string> ClusterToken { get; }

    public int LocalFetches => Volatile.Read(ref _localFetches);

    public int ClusterFetches => Volatile.Read(ref _clusterFetches);

    /// <summary>Fetches both values once and checks that further accesses are hits (no new fetch).</summary>
    public void WarmAndVerify()
    {
        _ = LocalToken.GetAsync().AsTask().GetAwaiter().GetResult();
        _ = ClusterToken.GetAsync().AsTask().GetAwaiter().GetResult();
        for (var i = 0; i < 10_000; i++)
        {
            Require(IsHit(LocalToken.FetchAsync()) && IsHit(LocalToken.GetAsync()), "local hit did not complete synchronously");
            Require(IsHit(ClusterToken.FetchAsync()) && IsHit(ClusterToken.GetAsync()), "cluster hit did not complete synchronously");
        }

        Require(LocalFetches == 1 && ClusterFetches == 1, $"expected one fetch per value, got local {LocalFetches}, cluster {ClusterFetches}");
    }

    public static bool IsHit<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully;

    public static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Benchmark setup: " + what + ".");
        }
    }
}

/// <summary>
/// A module with many declarations, built the way generated code builds it: one
/// <see cref="ExpirableModule.Create{T}"/> and one <see cref="Fetcher.For{T}(Func{Fetched{T}})"/> per declaration.
/// </summary>
internal sealed class RuntimeManyModule : ExpirableModule
{
    public RuntimeManyModule(ExpirableRuntime runtime, IReadOnlyList<ExpirableDefinition> definitions)
        : base(runtime, "ExpirableStore.Benchmarks.RuntimeManyModule", definitions)
    {
        var expirables = new Expirable<string>[definitions.Count];
        for (var i = 0; i < expirables.Length; i++)
        {
            expirables[i] = Create<string>(definitions[i], Fetcher.For<string>(FetchToken));
        }

        Expirables = expirables;
    }

    /// <summary>Stands for the properties of a generated class (one reference per declaration).</summary>
    public IReadOnlyList<Expirable<string>> Expirables { get; }

    public static ExpirableDefinition[] CreateDefinitions(int count, ExpirableScope scope)
    {
        var definitions = new ExpirableDefinition[count];
        for (var i = 0; i < count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            definitions[i] = new ExpirableDefinition("token_" + n, "Token" + n, "string", scope, RefreshMode.Lazy, null, null, "Many.expirables", i + 1);
        }

        return definitions;
    }

    /// <summary>Fetches every value once (sequentially, each a real slow-path fetch).</summary>
    public void FetchAll()
    {
        foreach (var expirable in Expirables)
        {
            _ = expirable.GetAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Fetched<string> FetchToken() => Fetched.Ok(RuntimeHitModule.Value, DateTimeOffset.UtcNow.AddHours(1));
}
