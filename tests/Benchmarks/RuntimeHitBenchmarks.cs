using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// A hit on a cached value, side by side in one process and one job: Expirable&lt;T&gt; (both scopes,
/// cluster in-process under <see cref="ExpirableRuntime.InMemory"/>), IMemoryCache, HybridCache,
/// FusionCache, and three floors. Every value is cached once in GlobalSetup with a one-hour expiry,
/// so every measured call is a hit (GlobalSetup checks the fetch counts).
/// Two forms per ExpirableStore member: "sync" takes the returned ValueTask, checks
/// IsCompletedSuccessfully and reads Result (the raw cost of the call); "await" is an async method
/// that awaits it, as application code does (BenchmarkDotNet then awaits the returned ValueTask).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RuntimeSpeedRatioConfig))]
public class RuntimeHitBenchmarks
{
    private const string Key = "github_access_token";
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    // Instance state: in-process runs (--inProcess) construct the class once per benchmark case.
    private readonly Func<CancellationToken, ValueTask<string>> _hybridFactory;
    private readonly Func<FusionCacheFactoryExecutionContext<string>, CancellationToken, Task<string>> _fusionFactory;
    private int _hybridFactoryCalls;
    private int _fusionFactoryCalls;

    private readonly HybridCacheEntryOptions _hybridOptions = new() { Expiration = OneHour, LocalCacheExpiration = OneHour };
    private readonly FusionCacheEntryOptions _fusionOptions = new() { Duration = OneHour };

    private volatile string _field = RuntimeHitModule.Value;
    private volatile FloorEntry _floor = null!;

    private ExpirableRuntime _runtime = null!;
    private RuntimeHitModule _module = null!;
    private MemoryCache _memoryCache = null!;
    private ServiceProvider _services = null!;
    private HybridCache _hybridCache = null!;
    private FusionCache _fusionCache = null!;

    public RuntimeHitBenchmarks()
    {
        _hybridFactory = _ =>
        {
            Interlocked.Increment(ref _hybridFactoryCalls);
            return new ValueTask<string>(RuntimeHitModule.Value);
        };
        _fusionFactory = (_, _) =>
        {
            Interlocked.Increment(ref _fusionFactoryCalls);
            return Task.FromResult(RuntimeHitModule.Value);
        };
    }

    [GlobalSetup]
    public void Setup()
    {
        _floor = new FloorEntry(RuntimeHitModule.Value, Environment.TickCount64 + (long)OneHour.TotalMilliseconds, TimeProvider.System.GetTimestamp() + (long)(OneHour.TotalSeconds * TimeProvider.System.TimestampFrequency));

        _runtime = ExpirableRuntime.InMemory();
        _module = new RuntimeHitModule(_runtime);
        _module.WarmAndVerify();

        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _memoryCache.Set(Key, RuntimeHitModule.Value, OneHour);

        var services = new ServiceCollection();
        services.AddHybridCache();
        _services = services.BuildServiceProvider();
        _hybridCache = _services.GetRequiredService<HybridCache>();

        _fusionCache = new FusionCache(new FusionCacheOptions { DefaultEntryOptions = _fusionOptions });

        for (var i = 0; i < 1_000; i++)
        {
            RuntimeHitModule.Require(MemoryCache_TryGetValue() is not null, "IMemoryCache missed");
            RuntimeHitModule.Require(HybridCache_GetOrCreateAsync_Sync() is not null, "HybridCache missed");
            _ = HybridCache_GetOrCreateAsync().AsTask().GetAwaiter().GetResult();
            _ = FusionCache_GetOrSetAsync().AsTask().GetAwaiter().GetResult();
        }

        RuntimeHitModule.Require(_hybridFactoryCalls == 1 && _fusionFactoryCalls == 1, $"expected one factory call, got HybridCache {_hybridFactoryCalls}, FusionCache {_fusionFactoryCalls}");
        RuntimeHitModule.Require(_module.LocalFetches == 1 && _module.ClusterFetches == 1, "ExpirableStore fetched again");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RuntimeHitModule.Require(_module.LocalFetches == 1 && _module.ClusterFetches == 1, "ExpirableStore fetched during the run");
        RuntimeHitModule.Require(_hybridFactoryCalls == 1 && _fusionFactoryCalls == 1, "a cache called its factory during the run");
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _memoryCache.Dispose();
        _services.Dispose();
        _fusionCache.Dispose();
    }

    [Benchmark(Description = "Floor: volatile field read")]
    public string? Floor_VolatileRead() => _field;

    [Benchmark(Description = "Floor: volatile read + TickCount64 compare")]
    public string? Floor_TickCount64()
    {
        var entry = _floor;
        return Environment.TickCount64 < entry.TickDeadline ? entry.Value : null;
    }

    [Benchmark(Description = "Floor: volatile read + GetTimestamp compare")]
    public string? Floor_GetTimestamp()
    {
        var entry = _floor;
        return TimeProvider.System.GetTimestamp() < entry.TimestampDeadline ? entry.Value : null;
    }

    [Benchmark(Description = "Floor: await a completed ValueTask<string>")]
    public async ValueTask<string> Floor_AwaitCompleted() => await new ValueTask<string>(_field);

    [Benchmark(Description = "Expirable local FetchAsync (sync)")]
    public string Local_FetchAsync_Sync()
    {
        var pending = _module.LocalToken.FetchAsync();
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [Benchmark(Description = "Expirable local FetchAsync (await)")]
    public async ValueTask<string> Local_FetchAsync_Await() => (await _module.LocalToken.FetchAsync()).Value;

    [Benchmark(Description = "Expirable local GetAsync (sync)")]
    public string Local_GetAsync_Sync()
    {
        var pending = _module.LocalToken.GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "Expirable local GetAsync (await)")]
    public async ValueTask<string> Local_GetAsync_Await() => await _module.LocalToken.GetAsync();

    [Benchmark(Description = "Expirable cluster FetchAsync (sync)")]
    public string Cluster_FetchAsync_Sync()
    {
        var pending = _module.ClusterToken.FetchAsync();
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [Benchmark(Description = "Expirable cluster FetchAsync (await)")]
    public async ValueTask<string> Cluster_FetchAsync_Await() => (await _module.ClusterToken.FetchAsync()).Value;

    [Benchmark(Description = "Expirable cluster GetAsync (sync)")]
    public string Cluster_GetAsync_Sync()
    {
        var pending = _module.ClusterToken.GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "Expirable cluster GetAsync (await)")]
    public async ValueTask<string> Cluster_GetAsync_Await() => await _module.ClusterToken.GetAsync();

    [Benchmark(Description = "IMemoryCache.TryGetValue")]
    public string? MemoryCache_TryGetValue() => _memoryCache.TryGetValue(Key, out string? value) ? value : null;

    [Benchmark(Description = "HybridCache.GetOrCreateAsync (sync)")]
    public string HybridCache_GetOrCreateAsync_Sync()
    {
        var pending = _hybridCache.GetOrCreateAsync(Key, _hybridFactory, _hybridOptions);
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Baseline = true, Description = "HybridCache.GetOrCreateAsync (await)")]
    public async ValueTask<string> HybridCache_GetOrCreateAsync() => await _hybridCache.GetOrCreateAsync(Key, _hybridFactory, _hybridOptions);

    [Benchmark(Description = "FusionCache.GetOrSetAsync (await)")]
    public async ValueTask<string?> FusionCache_GetOrSetAsync() => await _fusionCache.GetOrSetAsync<string>(Key, _fusionFactory, options: _fusionOptions);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Wait<T>(ValueTask<T> pending) => pending.AsTask().GetAwaiter().GetResult();

    private sealed class FloorEntry(string value, long tickDeadline, long timestampDeadline)
    {
        public string Value { get; } = value;

        public long TickDeadline { get; } = tickDeadline;

        public long TimestampDeadline { get; } = timestampDeadline;
    }
}

/// <summary>Shows the ratio column as "N.NNx faster/slower" than the baseline.</summary>
public sealed class RuntimeSpeedRatioConfig : ManualConfig
{
    public RuntimeSpeedRatioConfig()
    {
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
        HideColumns(Column.RatioSD);
    }
}
