using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// Memory per declared expirable, for a module of <see cref="Count"/> declarations (as a generated class
/// builds them: Create&lt;T&gt; + Fetcher.For per declaration).
/// "Allocated" (MemoryDiagnoser, per operation = per expirable) is everything allocated, garbage included,
/// runtime creation and disposal amortised over the 1,000. "Held B/expirable" is what stays reachable:
/// measured in the host process with GC.GetTotalMemory(forceFullCollection: true) deltas, after the
/// runtime exists (its fixed cost is excluded); definitions are static data of the generated class and
/// are created before the measurement (their own size is in the legend line of docs/benchmarks.md).
/// The IMemoryCache and HybridCache rows hold the same 1,000 string values under keys of the same length.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RuntimeHeldMemoryConfig))]
public class RuntimeMemoryBenchmarks
{
    public const int Count = 1_000;

    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);
    private static readonly ExpirableDefinition[] Definitions = RuntimeManyModule.CreateDefinitions(Count, ExpirableScope.Local);

    [Benchmark(OperationsPerInvoke = Count, Description = "Expirable: declared")]
    public async Task<int> Declare()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var module = new RuntimeManyModule(runtime, Definitions);
        return module.Expirables.Count;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "Expirable: declared + cached")]
    public async Task<int> DeclareAndCache()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var module = new RuntimeManyModule(runtime, Definitions);
        module.FetchAll();
        return module.Expirables.Count;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "IMemoryCache: entry set")]
    public int MemoryCache_Set()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        FillMemoryCache(cache);
        return cache.Count;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "HybridCache: entry created")]
    public int HybridCache_GetOrCreate()
    {
        using var services = CreateHybridServices();
        FillHybridCache(services.GetRequiredService<HybridCache>());
        return Count;
    }

    /// <summary>Bytes still reachable per expirable or entry; computed once, in the calling process.</summary>
    internal static IReadOnlyDictionary<string, double> MeasureHeldBytes()
    {
        // One full round first, so JIT, statics and the timer queue exist before anything is measured.
        _ = MeasureExpirables();
        _ = MeasureMemoryCache();
        _ = MeasureHybridCache();
        var (declared, cached) = MeasureExpirables();
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [nameof(Declare)] = declared,
            [nameof(DeclareAndCache)] = cached,
            [nameof(MemoryCache_Set)] = MeasureMemoryCache(),
            [nameof(HybridCache_GetOrCreate)] = MeasureHybridCache(),
        };
    }

    /// <summary>The size of the generated class's static data per declaration (definition object and its strings).</summary>
    internal static double MeasureDefinitionBytes()
    {
        var before = HeldBytes();
        var definitions = RuntimeManyModule.CreateDefinitions(Count, ExpirableScope.Local);
        var after = HeldBytes();
        GC.KeepAlive(definitions);
        return (after - before) / (double)Count;
    }

    private static (double Declared, double Cached) MeasureExpirables()
    {
        var runtime = ExpirableRuntime.InMemory();
        var start = HeldBytes();
        var module = new RuntimeManyModule(runtime, Definitions);
        var declared = HeldBytes();
        module.FetchAll();
        var cached = HeldBytes();
        GC.KeepAlive(module);
        runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return ((declared - start) / (double)Count, (cached - start) / (double)Count);
    }

    private static double MeasureMemoryCache()
    {
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var start = HeldBytes();
        FillMemoryCache(cache);
        var held = HeldBytes();
        GC.KeepAlive(cache);
        return (held - start) / (double)Count;
    }

    private static double MeasureHybridCache()
    {
        using var services = CreateHybridServices();
        var cache = services.GetRequiredService<HybridCache>();
        _ = cache.GetOrCreateAsync("warm", static _ => new ValueTask<string>(RuntimeHitModule.Value)).AsTask().GetAwaiter().GetResult();
        var start = HeldBytes();
        FillHybridCache(cache);
        var held = HeldBytes();
        GC.KeepAlive(cache);
        return (held - start) / (double)Count;
    }

    private static void FillMemoryCache(MemoryCache cache)
    {
        for (var i = 0; i < Count; i++)
        {
            cache.Set(KeyOf(i), RuntimeHitModule.Value, OneHour);
        }
    }

    private static ServiceProvider CreateHybridServices()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        return services.BuildServiceProvider();
    }

    private static void FillHybridCache(HybridCache cache)
    {
        var options = new HybridCacheEntryOptions { Expiration = OneHour, LocalCacheExpiration = OneHour };
        for (var i = 0; i < Count; i++)
        {
            _ = cache.GetOrCreateAsync(KeyOf(i), static _ => new ValueTask<string>(RuntimeHitModule.Value), options).AsTask().GetAwaiter().GetResult();
        }
    }

    // Same length as the expirables' keys ("<moduleName>.<name>").
    private static string KeyOf(int i) => "ExpirableStore.Benchmarks.RuntimeManyModule.token_" + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>Bytes reachable after full, compacting collections (shared by the memory benchmarks).</summary>
    internal static long HeldBytes()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        Thread.Sleep(50);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Adds the "Held B/expirable" column, measured once in the host process.</summary>
public sealed class RuntimeHeldMemoryConfig : ManualConfig
{
    public RuntimeHeldMemoryConfig() => AddColumn(new HeldBytesColumn());

    private sealed class HeldBytesColumn : IColumn
    {
        private readonly Lazy<IReadOnlyDictionary<string, double>> _held = new(RuntimeMemoryBenchmarks.MeasureHeldBytes, LazyThreadSafetyMode.ExecutionAndPublication);

        public string Id => nameof(HeldBytesColumn);

        public string ColumnName => "Held B/expirable";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Bytes still reachable per expirable (or cache entry) after a full GC, measured in the host process; the generated class's static ExpirableDefinition adds "
            + RuntimeMemoryBenchmarks.MeasureDefinitionBytes().ToString("N0", CultureInfo.InvariantCulture) + " B per declaration";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            _held.Value.TryGetValue(benchmarkCase.Descriptor.WorkloadMethod.Name, out var bytes)
                ? bytes.ToString("N0", CultureInfo.InvariantCulture)
                : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(RuntimeMemoryBenchmarks));
    }
}
