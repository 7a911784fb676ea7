using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ExpirableStore.Internal;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// Prototypes of the hit path, to tell where its nanoseconds go (see docs/benchmarks.md, "Hit path findings").
/// Each variant reads the real <see cref="Expirable{T}.Entry"/> of a cached value and differs from the shipped
/// path in one thing only: the check that the runtime's clock was compared with the monotonic one recently
/// (<c>Clock.TrustedUntil</c>), the coarse clock read, the telemetry check, or the size of the returned struct.
/// Run with <c>--filter '*RuntimeHitPath*' --job short --memory --disasm</c>.
/// </summary>
[MemoryDiagnoser]
public class RuntimeHitPathExperiments
{
    private ExpirableRuntime _runtime = null!;
    private Expirable<string> _expirable = null!;
    private volatile FullEntry _full = null!;
    private volatile CompactEntry _compact = null!;
    private volatile TinyEntry _tiny = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runtime = ExpirableRuntime.InMemory();
        var module = new RuntimeHitModule(_runtime);
        module.WarmAndVerify();
        _expirable = module.LocalToken;
        var fetched = Fetched.Ok(RuntimeHitModule.Value, DateTimeOffset.UtcNow.AddHours(1));
        _full = new FullEntry(fetched);
        _compact = new CompactEntry(new CompactFetched<string>(RuntimeHitModule.Value, fetched.ExpiresAt!.Value.UtcTicks, null));
        _tiny = new TinyEntry(new TinyFetched<string>(RuntimeHitModule.Value, fetched.ExpiresAt));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // The flags the prototypes read are written only here (as a timer or a listener would write them).
        _full.Expired = true;
        _compact.Expired = true;
        _tiny.Expired = true;
        s_enabled.Enabled = false;
        _runtime.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "shipped GetAsync (sync)")]
    public string Shipped()
    {
        var pending = _expirable.GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "path without the clock-trust check: Expired + TickCount64 + Enabled")]
    public string Copy() => Read(GetCopy(_expirable));

    [Benchmark(Description = "no TickCount64: Expired + Enabled")]
    public string NoClock() => Read(GetNoClock(_expirable));

    [Benchmark(Description = "no TickCount64, no Enabled: Expired only")]
    public string FlagOnly() => Read(GetFlagOnly(_expirable));

    [Benchmark(Description = "FetchAsync shape, Fetched<string> (flag only)")]
    public string FullFetchedShape()
    {
        var pending = GetFull(_full);
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [Benchmark(Description = "FetchAsync shape, 24-byte struct (flag only)")]
    public string CompactFetchedShape()
    {
        var pending = GetCompact(_compact);
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [Benchmark(Description = "FetchAsync shape, 16-byte struct (flag only)")]
    public string TinyFetchedShape()
    {
        var pending = GetTiny(_tiny);
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<string> GetCopy(Expirable<string> expirable)
    {
        var entry = expirable.Entry;
        if (entry is not null && !entry.Expired && Environment.TickCount64 < entry.CoarseDeadline)
        {
            if (s_enabled.Enabled)
            {
                Record();
            }

            return new ValueTask<string>(entry.Value);
        }

        return expirable.GetAsync();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<string> GetNoClock(Expirable<string> expirable)
    {
        var entry = expirable.Entry;
        if (entry is not null && !entry.Expired)
        {
            if (s_enabled.Enabled)
            {
                Record();
            }

            return new ValueTask<string>(entry.Value);
        }

        return expirable.GetAsync();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<string> GetFlagOnly(Expirable<string> expirable)
    {
        var entry = expirable.Entry;
        return entry is not null && !entry.Expired ? new ValueTask<string>(entry.Value) : expirable.GetAsync();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<Fetched<string>> GetFull(FullEntry entry) =>
        !entry.Expired ? new ValueTask<Fetched<string>>(entry.Fetched) : Slow<Fetched<string>>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<CompactFetched<string>> GetCompact(CompactEntry entry) =>
        !entry.Expired ? new ValueTask<CompactFetched<string>>(entry.Fetched) : Slow<CompactFetched<string>>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<TinyFetched<string>> GetTiny(TinyEntry entry) =>
        !entry.Expired ? new ValueTask<TinyFetched<string>>(entry.Fetched) : Slow<TinyFetched<string>>();

    private static string Read(ValueTask<string> pending) => pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ValueTask<T> Slow<T>() => throw new InvalidOperationException("expired");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Record() => GC.KeepAlive(s_enabled);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Wait<T>(ValueTask<T> pending) => pending.AsTask().GetAwaiter().GetResult();

    // Stands for Counter<long>.Enabled: a field read through two references.
    private static readonly EnabledHolder s_enabled = new();

    private sealed class EnabledHolder
    {
        public volatile bool Enabled;
    }

    private sealed class FullEntry(Fetched<string> fetched)
    {
        public readonly Fetched<string> Fetched = fetched;
        public volatile bool Expired;
    }

    private sealed class CompactEntry(CompactFetched<string> fetched)
    {
        public readonly CompactFetched<string> Fetched = fetched;
        public volatile bool Expired;
    }

    private sealed class TinyEntry(TinyFetched<string> fetched)
    {
        public readonly TinyFetched<string> Fetched = fetched;
        public volatile bool Expired;
    }

    /// <summary>
    /// Fetched&lt;T&gt; in 16 bytes: the value and one reference that is null (forever), a boxed expiry, or a
    /// failure (reason + exception); the boxing happens once per fetch, never on a hit.
    /// </summary>
    private readonly struct TinyFetched<T>(T value, object? outcome)
    {
        private readonly T _value = value;
        private readonly object? _outcome = outcome;

        public bool IsOk => _outcome is null or DateTimeOffset;

        public T Value => IsOk ? _value : throw new InvalidOperationException("The fetch failed.");
    }

    /// <summary>Fetched&lt;T&gt; with the same information in 24 bytes: expiry as UTC ticks (0: never), failure as one reference.</summary>
    private readonly struct CompactFetched<T>(T value, long expiresAtUtcTicks, object? failure)
    {
        private readonly T _value = value;
        private readonly object? _failure = failure;

        public long ExpiresAtUtcTicks { get; } = expiresAtUtcTicks;

        public bool IsOk => _failure is null;

        public T Value => IsOk ? _value : throw new InvalidOperationException("The fetch failed.");
    }
}
