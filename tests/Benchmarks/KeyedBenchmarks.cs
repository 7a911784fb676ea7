using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// A hit on one key of a keyed expirable (<c>key string</c>), next to HybridCache and FusionCache reading
/// the same string key, a ConcurrentDictionary floor and the non-keyed hit. 1,000 keys are cached in
/// GlobalSetup (one hour), so the dictionary is not trivially small; every measured call is a hit.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RuntimeSpeedRatioConfig))]
public class KeyedHitBenchmarks
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    private readonly HybridCacheEntryOptions _hybridOptions = new() { Expiration = OneHour, LocalCacheExpiration = OneHour };
    private readonly FusionCacheEntryOptions _fusionOptions = new() { Duration = OneHour };
    private readonly Func<CancellationToken, ValueTask<string>> _hybridFactory = static _ => new ValueTask<string>(KeyedBenchmarkModule.Value);
    private readonly Func<FusionCacheFactoryExecutionContext<string>, CancellationToken, Task<string>> _fusionFactory = static (_, _) => Task.FromResult(KeyedBenchmarkModule.Value);
    private readonly ConcurrentDictionary<string, string> _dictionary = new(StringComparer.Ordinal);
    private readonly ExpirableStore.Internal.KeyTable<string, string> _table = new();

    // A key as it arrives in a request: its own string instance, so no reference-equality shortcut.
    private string _key = null!;
    private ExpirableRuntime _runtime = null!;
    private KeyedBenchmarkModule _module = null!;
    private RuntimeHitModule _plain = null!;
    private ServiceProvider _services = null!;
    private HybridCache _hybridCache = null!;
    private FusionCache _fusionCache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = ExpirableRuntime.InMemory();
        _module = new KeyedBenchmarkModule(_runtime);
        _plain = new RuntimeHitModule(_runtime);
        _plain.WarmAndVerify();
        _services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        _hybridCache = _services.GetRequiredService<HybridCache>();
        _fusionCache = new FusionCache(new FusionCacheOptions { DefaultEntryOptions = _fusionOptions });
        for (var i = 0; i < 1_000; i++)
        {
            var key = KeyedBenchmarkModule.KeyOf(i);
            _ = _module.TenantToken.GetAsync(key).AsTask().GetAwaiter().GetResult();
            _ = _hybridCache.GetOrCreateAsync(key, _hybridFactory, _hybridOptions).AsTask().GetAwaiter().GetResult();
            _ = _fusionCache.GetOrSetAsync<string>(key, _fusionFactory, options: _fusionOptions).AsTask().GetAwaiter().GetResult();
            _dictionary[key] = KeyedBenchmarkModule.Value;
            _table.Add(key, KeyedBenchmarkModule.Value);
        }

        _key = new string(KeyedBenchmarkModule.KeyOf(421).AsSpan());
        for (var i = 0; i < 10_000; i++)
        {
            RuntimeHitModule.Require(Keyed_GetAsync_Sync() is not null, "keyed miss");
        }

        RuntimeHitModule.Require(_module.Fetches == 1_000, $"expected 1,000 fetches, got {_module.Fetches}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RuntimeHitModule.Require(_module.Fetches == 1_000, "a key fetched again during the run");
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _services.Dispose();
        _fusionCache.Dispose();
    }

    [Benchmark(Description = "Floor: ConcurrentDictionary<string, string>.TryGetValue")]
    public string? Floor_Dictionary() => _dictionary.TryGetValue(_key, out var value) ? value : null;

    [Benchmark(Description = "Floor: KeyTable<string, string>.TryGetValue (what a keyed hit reads)")]
    public string? Floor_KeyTable() => _table.TryGetValue(_key, out var value) ? value : null;

    [Benchmark(Description = "Expirable (not keyed) local GetAsync (sync)")]
    public string Plain_GetAsync_Sync()
    {
        var pending = _plain.LocalToken.GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "KeyedExpirable GetAsync(string) (sync)")]
    public string Keyed_GetAsync_Sync()
    {
        var pending = _module.TenantToken.GetAsync(_key);
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "KeyedExpirable FetchAsync(string) (sync)")]
    public string Keyed_FetchAsync_Sync()
    {
        var pending = _module.TenantToken.FetchAsync(_key);
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [Benchmark(Description = "KeyedExpirable GetAsync(string) (await)")]
    public async ValueTask<string> Keyed_GetAsync_Await() => await _module.TenantToken.GetAsync(_key);

    [Benchmark(Description = "HybridCache.GetOrCreateAsync(string) (sync)")]
    public string HybridCache_Sync()
    {
        var pending = _hybridCache.GetOrCreateAsync(_key, _hybridFactory, _hybridOptions);
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Baseline = true, Description = "HybridCache.GetOrCreateAsync(string) (await)")]
    public async ValueTask<string> HybridCache_Await() => await _hybridCache.GetOrCreateAsync(_key, _hybridFactory, _hybridOptions);

    [Benchmark(Description = "FusionCache.GetOrSetAsync(string) (await)")]
    public async ValueTask<string?> FusionCache_Await() => await _fusionCache.GetOrSetAsync<string>(_key, _fusionFactory, options: _fusionOptions);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Wait<T>(ValueTask<T> pending) => pending.AsTask().GetAwaiter().GetResult();
}

/// <summary>
/// Memory of keyed entries. "Allocated" per operation is per key created and fetched (garbage included).
/// The "Held" column, measured once in the host process after full collections: bytes still reachable per
/// cached key (1,000 keys), and for 100,000 keys created then left idle, the whole family before and after
/// they leave memory (two sweeps of KeyIdleTimeout, run directly instead of waiting 20 minutes).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(KeyedHeldMemoryConfig))]
public class KeyedMemoryBenchmarks
{
    public const int Count = 1_000;

    [Benchmark(OperationsPerInvoke = Count, Description = "Keyed: key created and cached")]
    public async Task<int> CreateKeys()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var module = new KeyedBenchmarkModule(runtime);
        module.FetchKeys(Count);
        return module.TenantToken.Family.Count;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "Keyed stateful: key created, state put, cached")]
    public async Task<int> CreateStatefulKeys()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var module = new KeyedBenchmarkModule(runtime);
        module.FetchStatefulKeys(Count);
        return module.TenantGrant.Family.Count;
    }

    internal static IReadOnlyDictionary<string, string> MeasureHeld()
    {
        _ = MeasurePerKey(stateful: false);
        _ = MeasurePerKey(stateful: true);
        var (before, after, left) = MeasureIdle(100_000);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(CreateKeys)] = $"{MeasurePerKey(stateful: false):N0} B/key; 100,000 idle keys: {before / 1e6:N1} MB, after they left: {after / 1e6:N1} MB ({left} keys left)",
            [nameof(CreateStatefulKeys)] = $"{MeasurePerKey(stateful: true):N0} B/key",
        };
    }

    private static double MeasurePerKey(bool stateful)
    {
        var runtime = ExpirableRuntime.InMemory();
        var module = new KeyedBenchmarkModule(runtime);
        var start = HeldBytes();
        if (stateful)
        {
            module.FetchStatefulKeys(Count);
        }
        else
        {
            module.FetchKeys(Count);
        }

        var held = HeldBytes();
        GC.KeepAlive(module);
        runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (held - start) / (double)Count;
    }

    private static (long Before, long After, int Left) MeasureIdle(int keys)
    {
        var runtime = ExpirableRuntime.InMemory();
        var module = new KeyedBenchmarkModule(runtime);
        var start = HeldBytes();
        module.FetchKeys(keys);
        var before = HeldBytes() - start;
        module.TenantToken.Family.SweepNow(); // read in this period: marked unread
        module.TenantToken.Family.SweepNow(); // unread for a whole period: gone
        var after = HeldBytes() - start;
        var left = module.TenantToken.Family.Count;
        GC.KeepAlive(module);
        runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (before, after, left);
    }

    private static long HeldBytes() => RuntimeMemoryBenchmarks.HeldBytes();
}

/// <summary>Adds the "Held" column of <see cref="KeyedMemoryBenchmarks"/>, measured once in the host process.</summary>
public sealed class KeyedHeldMemoryConfig : ManualConfig
{
    public KeyedHeldMemoryConfig() => AddColumn(new HeldColumn());

    private sealed class HeldColumn : IColumn
    {
        private readonly Lazy<IReadOnlyDictionary<string, string>> _held = new(KeyedMemoryBenchmarks.MeasureHeld, LazyThreadSafetyMode.ExecutionAndPublication);

        public string Id => nameof(HeldColumn);

        public string ColumnName => "Held";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => false;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Bytes still reachable after full collections, measured in the host process (strings of the keys and values included)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            _held.Value.TryGetValue(benchmarkCase.Descriptor.WorkloadMethod.Name, out var text) ? text : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(KeyedMemoryBenchmarks));
    }
}
