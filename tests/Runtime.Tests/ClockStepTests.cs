using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// The hit path never hands out a value at or after its ExpiresAt by the runtime's own clock, whatever that
/// clock does: a step (FakeTimeProvider.AdjustTime moves the wall clock without firing timers, as an NTP
/// step or a resumed VM does), a clock running faster than the machine's, a stall between two reads.
/// A step may go unnoticed for at most 100 ms of real time.
/// </summary>
public sealed class ClockStepTests : RuntimeTestBase
{
    private const int HitsAroundEachExpiry = 100_000;
    private static readonly TimeSpan UnnoticedAtMost = TimeSpan.FromMilliseconds(100);

    [TestCaseSource(nameof(ScopesAndModes))]
    public async Task A_forward_step_past_expiry_stops_hits_at_the_next_clock_check(ExpirableScope scope, RefreshMode mode)
    {
        var expirable = Pick(scope, mode);
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"));

        Time.AdjustTime(Time.GetUtcNow() + TimeSpan.FromSeconds(61));
        Hooks.CheckClockAtNextAccess(Runtime);

        var after = await expirable.FetchAsync();
        Assert.That(after.Value, Is.EqualTo(expirable.Name + "-2"), "the value expired by the runtime's clock was handed out");
        Assert.That(after.ExpiresAt, Is.GreaterThan(Time.GetUtcNow()));
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task A_forward_step_into_the_eager_window_starts_the_refresh_at_once(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        await expirable.GetAsync();

        // 60 s value, eager 30 s: 35 s later by the clock the refresh is due, though no timer fired.
        Time.AdjustTime(Time.GetUtcNow() + TimeSpan.FromSeconds(35));
        Hooks.CheckClockAtNextAccess(Runtime);
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"), "callers keep the still-valid value");
        await Hooks.IdleAsync(expirable);

        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-2"));
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task A_forward_step_before_the_eager_window_brings_the_eager_timer_forward(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        await expirable.GetAsync();

        Time.AdjustTime(Time.GetUtcNow() + TimeSpan.FromSeconds(20));
        Hooks.CheckClockAtNextAccess(Runtime);
        await expirable.GetAsync();
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));

        // The window opens at +30 s by the clock: 10 s from now, not 30.
        Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        await Hooks.IdleAsync(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        await Hooks.IdleAsync(expirable);
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(2));
    }

    [Test]
    public async Task After_a_backward_step_one_slow_access_makes_hits_lock_free_again()
    {
        var expirable = Module.LocalLazy;
        Backend.Ttl = TimeSpan.FromMilliseconds(40);
        await expirable.GetAsync();

        // The fake clock stands still while real time passes the value's coarse deadline (20 ms before its
        // 40 ms): accesses go to the locked slow path, as they do after a backward step of the system clock.
        var deadline = expirable.Entry!.CoarseDeadline;
        await WaitForRealTimeAsync(() => Environment.TickCount64 >= deadline);
        Time.AdjustTime(Time.GetUtcNow() - TimeSpan.FromHours(1));

        Assert.That(await expirable.GetAsync(), Is.EqualTo(expirable.Name + "-1"));
        Assert.That(expirable.Entry!.CoarseDeadline - Environment.TickCount64, Is.GreaterThan((long)TimeSpan.FromMinutes(59).TotalMilliseconds), "the still-valid value was not given a fresh deadline");
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
    }

    [Test]
    public async Task The_watchdog_checks_system_clock_runtimes_in_the_background_and_never_reads_other_clocks()
    {
        await using var system = ExpirableRuntime.InMemory();
        var counting = new CountingClock(Time);
        await using var fake = ExpirableRuntime.InMemory(counting);
        var fakeTrust = fake.Clock.TrustedUntil;
        var reads = counting.Reads;

        var before = system.Clock.TrustedUntil;
        Internal.ClockWatchdog.CheckAll();
        Assert.That(system.Clock.TrustedUntil, Is.GreaterThanOrEqualTo(before));
        Assert.That(counting.Reads, Is.EqualTo(reads), "a clock other than the system's was read in the background");
        Assert.That(fake.Clock.TrustedUntil, Is.EqualTo(fakeTrust));

        // Without any access, the system runtime's trust moves on (the watchdog runs every 25 ms).
        var seen = system.Clock.TrustedUntil;
        await WaitForRealTimeAsync(() => system.Clock.TrustedUntil > seen);
        Assert.That(counting.Reads, Is.EqualTo(reads));
    }

    [Test]
    public async Task No_value_is_handed_out_at_or_after_its_expiry_on_the_system_clock()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        await RunExpiriesAsync(runtime, TimeProvider.System, ttl: TimeSpan.FromMilliseconds(30), cycles: 5, step: null);
    }

    [Test]
    public async Task A_forward_step_of_the_wall_clock_is_noticed_within_100_ms_and_no_value_is_handed_out_after()
    {
        var clock = new SteppableClock();
        await using var runtime = ExpirableRuntime.InMemory(clock);
        await RunExpiriesAsync(runtime, clock, ttl: TimeSpan.FromSeconds(10), cycles: 3, step: TimeSpan.FromSeconds(11));
    }

    [Test]
    public async Task A_clock_running_twice_as_fast_as_the_machine_hands_out_no_value_long_after_its_expiry()
    {
        var clock = new SteppableClock { Rate = 2 };
        await using var runtime = ExpirableRuntime.InMemory(clock);
        var module = new TestExpirables(runtime);
        Backend.Handler = (name, n, _) => Task.FromResult(Fetched.Ok($"{name}-{n}", clock.GetUtcNow().AddSeconds(1)));

        var worst = await HammerAcrossExpiryAsync(module.LocalLazy, clock, step: null);

        // Between two checks (50 ms of real time) such a clock gains 50 ms; the coarse margin absorbs 20 ms of it.
        TestContext.Out.WriteLine($"worst lateness by the fast clock: {worst}");
        Assert.That(worst, Is.LessThan(UnnoticedAtMost), "a value was handed out long after its expiry by the fast clock");
    }

    [Test]
    public async Task A_stall_between_reading_the_clocks_can_only_make_a_value_expire_early()
    {
        var clock = new StallingClock();
        await using var runtime = ExpirableRuntime.InMemory(clock);
        var module = new TestExpirables(runtime);
        var ttl = TimeSpan.FromMilliseconds(300);
        Backend.Handler = (name, n, _) =>
        {
            var value = Fetched.Ok($"{name}-{n}", clock.GetUtcNow() + ttl);

            // The thread caching it is preempted for half the value's life right after its next clock read.
            if (n == 1)
            {
                clock.StallNextRead(ttl / 2);
            }

            return Task.FromResult(value);
        };

        await module.LocalLazy.GetAsync();
        var worst = await HammerAcrossExpiryAsync(module.LocalLazy, clock, step: null);
        Assert.That(worst, Is.EqualTo(TimeSpan.Zero), "a value was handed out after its expiry");
    }

    /// <summary>
    /// For each of <paramref name="cycles"/> values: hits across its expiry (with a <paramref name="step"/>,
    /// the clock is stepped past it after <see cref="HitsAroundEachExpiry"/> hits), then at least
    /// <see cref="HitsAroundEachExpiry"/> accesses after it. No access may return a value whose ExpiresAt the
    /// clock had reached before the access, except within <see cref="UnnoticedAtMost"/> of a step.
    /// </summary>
    private async Task RunExpiriesAsync(ExpirableRuntime runtime, TimeProvider clock, TimeSpan ttl, int cycles, TimeSpan? step)
    {
        var module = new TestExpirables(runtime);
        Backend.Handler = (name, n, _) => Task.FromResult(Fetched.Ok($"{name}-{n}", clock.GetUtcNow() + ttl));
        await module.LocalLazy.GetAsync();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var worst = await HammerAcrossExpiryAsync(module.LocalLazy, clock, step);
            Assert.That(worst, step is null ? Is.EqualTo(TimeSpan.Zero) : Is.LessThanOrEqualTo(UnnoticedAtMost), $"cycle {cycle}");
        }
    }

    /// <summary>
    /// Accesses <paramref name="expirable"/> across the expiry of its current value, reading the clock before
    /// each access. Returns how late the worst access that still got that value was: by the clock after its
    /// ExpiresAt, or, after a <paramref name="step"/>, in real time after the step. Zero when none did.
    /// </summary>
    private static async Task<TimeSpan> HammerAcrossExpiryAsync(Expirable<string> expirable, TimeProvider clock, TimeSpan? step)
    {
        var expiresAt = (await expirable.FetchAsync()).ExpiresAt!.Value;
        long? steppedAt = null;
        var before = 0;
        var after = 0;
        var worst = TimeSpan.Zero;
        var giveUpAt = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (step is { } by && steppedAt is null && before >= HitsAroundEachExpiry)
            {
                ((SteppableClock)clock).Step(by);
                steppedAt = Stopwatch.GetTimestamp();
            }

            var now = clock.GetUtcNow();
            var pending = expirable.FetchAsync();
            var got = pending.IsCompletedSuccessfully ? pending.Result : await pending;
            Assert.That(got.IsOk, Is.True, got.ToString());
            if (now < expiresAt)
            {
                before++;
            }
            else if (got.ExpiresAt == expiresAt)
            {
                after++;
                var late = steppedAt is { } at ? Stopwatch.GetElapsedTime(at) : now - expiresAt;
                worst = late > worst ? late : worst == TimeSpan.Zero ? TimeSpan.FromTicks(1) : worst;
            }
            else if (++after >= HitsAroundEachExpiry)
            {
                Assert.That(before, Is.GreaterThan(0), "no hit before the expiry");
                return worst;
            }

            Assert.That(Stopwatch.GetTimestamp(), Is.LessThan(giveUpAt), $"the value was still handed out {Patience} later");
        }
    }

    private static async Task WaitForRealTimeAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            Assert.That(Stopwatch.GetTimestamp(), Is.LessThan(deadline), "real time did not pass");
            await Task.Yield();
        }
    }

    /// <summary>Counts the reads of a clock.</summary>
    private sealed class CountingClock(TimeProvider inner) : TimeProvider
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return inner.GetUtcNow();
        }

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
