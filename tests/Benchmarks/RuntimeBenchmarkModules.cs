using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// The fetch methods of Modules/*.expirables. Each counts its calls, so a benchmark can prove that every
/// measured access is a hit; a module reads the counts from when it was created (one module of a kind at a
/// time in a benchmark process).
/// </summary>
internal static class BenchmarkSources
{
    public const string Value = "gho_the-cached-access-token";

    private static int s_localFetches;
    private static int s_clusterFetches;
    private static int s_tenantFetches;

    public static int LocalFetches => Volatile.Read(ref s_localFetches);

    public static int ClusterFetches => Volatile.Read(ref s_clusterFetches);

    public static int TenantFetches => Volatile.Read(ref s_tenantFetches);

    public static Fetched<string> LocalToken()
    {
        Interlocked.Increment(ref s_localFetches);
        return Fetched.Ok(Value, DateTimeOffset.UtcNow.AddHours(1));
    }

    public static Fetched<string> ClusterToken()
    {
        Interlocked.Increment(ref s_clusterFetches);
        return Fetched.Ok(Value, DateTimeOffset.UtcNow.AddHours(1));
    }

    public static Fetched<string> TenantToken(string tenant)
    {
        Interlocked.Increment(ref s_tenantFetches);
        return Fetched.Ok(Value, DateTimeOffset.UtcNow.AddHours(1));
    }

    public static Fetched<string, string> TenantGrant(string tenant, string grant) =>
        Fetched.Ok(Value, DateTimeOffset.UtcNow.AddHours(1)).WithState(grant);
}

/// <summary>The checks of the hit benchmarks; the expirables are generated from Modules/RuntimeHitModule.expirables.</summary>
public sealed partial class RuntimeHitModule
{
    public const string Value = BenchmarkSources.Value;

    private readonly int _localFetchesBefore = BenchmarkSources.LocalFetches;
    private readonly int _clusterFetchesBefore = BenchmarkSources.ClusterFetches;

    public int LocalFetches => BenchmarkSources.LocalFetches - _localFetchesBefore;

    public int ClusterFetches => BenchmarkSources.ClusterFetches - _clusterFetchesBefore;

    public static bool IsHit<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully;

    public static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Benchmark setup: " + what + ".");
        }
    }

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
}

/// <summary>The helpers of the keyed benchmarks; the expirables are generated from Modules/KeyedBenchmarkModule.expirables.</summary>
public sealed partial class KeyedBenchmarkModule
{
    public const string Value = BenchmarkSources.Value;

    private readonly int _fetchesBefore = BenchmarkSources.TenantFetches;

    public int Fetches => BenchmarkSources.TenantFetches - _fetchesBefore;

    public static string KeyOf(int i) => "tenant-" + i.ToString("D6", CultureInfo.InvariantCulture);

    public void FetchKeys(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _ = TenantToken.GetAsync(KeyOf(i)).AsTask().GetAwaiter().GetResult();
        }
    }

    public void FetchStatefulKeys(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = KeyOf(i);
            TenantGrant.PutStateAsync(key, "rt-" + key).AsTask().GetAwaiter().GetResult();
            _ = TenantGrant.GetAsync(key).AsTask().GetAwaiter().GetResult();
        }
    }
}

/// <summary>
/// A module with many declarations, built with the calls generated code makes: one
/// <see cref="ExpirableModule.Create{T}"/> and one <see cref="Fetcher.For{T}(Func{Fetched{T}})"/> per declaration.
/// Built here rather than generated because the memory benchmarks choose the count and the scope.
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
