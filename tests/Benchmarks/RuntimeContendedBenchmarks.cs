using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// Every core reads the same cached value at once: one invocation runs <see cref="Environment.ProcessorCount"/>
/// parallel loops that together make <see cref="TotalHits"/> hits, so the reported time is wall-clock time per
/// hit over all cores (throughput: ideal scaling divides the single-thread time by the core count; shared
/// writes on the hit path show up as a time that does not drop or rises).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RuntimeSpeedRatioConfig))]
public class RuntimeContendedBenchmarks
{
    /// <summary>Divisible by 1-6, 8, 10, 12, 16, 20, 24, 32: every common core count gets an equal share.</summary>
    public const int TotalHits = 960_000;

    private const string Key = "github_access_token";
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    private static readonly Func<CancellationToken, ValueTask<string>> HybridFactory = static _ => new ValueTask<string>(RuntimeHitModule.Value);

    private readonly HybridCacheEntryOptions _hybridOptions = new() { Expiration = OneHour, LocalCacheExpiration = OneHour };
    private readonly int _threads = Environment.ProcessorCount;
    private readonly ParallelOptions _parallel = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private ExpirableRuntime _runtime = null!;
    private RuntimeHitModule _module = null!;
    private MemoryCache _memoryCache = null!;
    private ServiceProvider _services = null!;
    private HybridCache _hybridCache = null!;
    private long _sink;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = ExpirableRuntime.InMemory();
        _module = new RuntimeHitModule(_runtime);
        _module.WarmAndVerify();

        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _memoryCache.Set(Key, RuntimeHitModule.Value, OneHour);

        var services = new ServiceCollection();
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
        _hybridCache = _services.GetRequiredService<HybridCache>();
        _ = _hybridCache.GetOrCreateAsync(Key, HybridFactory, _hybridOptions).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RuntimeHitModule.Require(_module.LocalFetches == 1 && _module.ClusterFetches == 1, "ExpirableStore fetched during the run");
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _memoryCache.Dispose();
        _services.Dispose();
    }

    [Benchmark(OperationsPerInvoke = TotalHits, Description = "Expirable local GetAsync, all cores")]
    public void Local_GetAsync() => RunOnAllCores(static (self, hits) => self.ExpirableGetLoop(self._module.LocalToken, hits));

    [Benchmark(OperationsPerInvoke = TotalHits, Description = "Expirable local FetchAsync, all cores")]
    public void Local_FetchAsync() => RunOnAllCores(static (self, hits) => self.ExpirableFetchLoop(self._module.LocalToken, hits));

    [Benchmark(OperationsPerInvoke = TotalHits, Description = "Expirable cluster GetAsync, all cores")]
    public void Cluster_GetAsync() => RunOnAllCores(static (self, hits) => self.ExpirableGetLoop(self._module.ClusterToken, hits));

    [Benchmark(OperationsPerInvoke = TotalHits, Description = "IMemoryCache.TryGetValue, all cores")]
    public void MemoryCache_TryGetValue() => RunOnAllCores(static (self, hits) => self.MemoryCacheLoop(hits));

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalHits, Description = "HybridCache.GetOrCreateAsync, all cores")]
    public void HybridCache_GetOrCreateAsync() => RunOnAllCores(static (self, hits) => self.HybridCacheLoop(hits));

    private void RunOnAllCores(Func<RuntimeContendedBenchmarks, int, long> loop)
    {
        var perThread = TotalHits / _threads;
        var first = TotalHits - (perThread * (_threads - 1));
        Parallel.For(0, _threads, _parallel, i => Interlocked.Add(ref _sink, loop(this, i == 0 ? first : perThread)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long ExpirableGetLoop(Expirable<string> expirable, int hits)
    {
        long sum = 0;
        for (var i = 0; i < hits; i++)
        {
            var pending = expirable.GetAsync();
            sum += (pending.IsCompletedSuccessfully ? pending.Result : Wait(pending)).Length;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long ExpirableFetchLoop(Expirable<string> expirable, int hits)
    {
        long sum = 0;
        for (var i = 0; i < hits; i++)
        {
            var pending = expirable.FetchAsync();
            sum += (pending.IsCompletedSuccessfully ? pending.Result : Wait(pending)).Value.Length;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long MemoryCacheLoop(int hits)
    {
        long sum = 0;
        for (var i = 0; i < hits; i++)
        {
            sum += _memoryCache.TryGetValue(Key, out string? value) ? value!.Length : 0;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long HybridCacheLoop(int hits)
    {
        long sum = 0;
        for (var i = 0; i < hits; i++)
        {
            var pending = _hybridCache.GetOrCreateAsync(Key, HybridFactory, _hybridOptions);
            sum += (pending.IsCompletedSuccessfully ? pending.Result : Wait(pending)).Length;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Wait<T>(ValueTask<T> pending) => pending.AsTask().GetAwaiter().GetResult();
}
