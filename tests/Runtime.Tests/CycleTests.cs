using System;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>A fetch method that reads an expirable waiting for it fails fast with the cycle named; nothing hangs.</summary>
public sealed class CycleTests : RuntimeTestBase
{
    private static readonly string[] SelfCycle = ["Cycles.a", "Cycles.a"];
    private static readonly string[] TwoCycle = ["Cycles.b", "Cycles.a", "Cycles.b"];

    private CycleModule _module = null!;

    [SetUp]
    public void SetUpModule() => _module = new CycleModule(Runtime);

    [TearDown]
    public async Task NoWaitStaysRecorded()
    {
        // Runs before the base class's tear-down: dispose first (disposing twice is allowed), then look.
        await Runtime.DisposeAsync();
        Assert.That(FetchWaitGraph.Count, Is.Zero, "a wait stayed recorded");
    }

    [Test]
    public async Task A_fetch_that_reads_its_own_expirable_fails_fast_naming_the_cycle()
    {
        _module.FetchA = async ct => Fetched.Ok("a:" + await _module.A.GetAsync(ct), Time.GetUtcNow().AddMinutes(1));

        var thrown = await Assert.CatchAsync<ExpirableFetchException>(async () => await _module.A.GetAsync().AsTask().WaitAsync(Patience));
        var cycle = FindCycle(thrown);
        Assert.That(cycle.Cycle, Is.EqualTo(SelfCycle));
        Assert.That(thrown!.Message, Does.Contain("Cycles.a -> Cycles.a"));
    }

    [Test]
    public async Task A_to_b_to_a_fails_fast_and_both_expirables_work_afterwards()
    {
        var cyclic = true;
        _module.FetchA = async ct => Fetched.Ok("a:" + await _module.B.GetAsync(ct), Time.GetUtcNow().AddMinutes(1));
        _module.FetchB = async ct => cyclic
            ? Fetched.Ok("b:" + await _module.A.GetAsync(ct), Time.GetUtcNow().AddMinutes(1))
            : Fetched.Ok("b", Time.GetUtcNow().AddMinutes(1));

        var thrown = await Assert.CatchAsync<ExpirableFetchException>(async () => await _module.A.GetAsync().AsTask().WaitAsync(Patience));
        Assert.That(FindCycle(thrown).Cycle, Is.EqualTo(TwoCycle));

        cyclic = false;
        Assert.That(await _module.A.GetAsync().AsTask().WaitAsync(Patience), Is.EqualTo("a:b"), "a failure was cached or a wait left behind");
    }

    [Test]
    public async Task A_cycle_closed_through_a_flight_someone_else_started_fails_fast()
    {
        // b's fetch is started by an outside caller; a's fetch then joins it; then b's fetch reads a.
        var bStarted = NewSource<bool>();
        var bProceed = NewSource<bool>();
        var aJoinedB = NewSource<bool>();
        _module.FetchB = async ct =>
        {
            bStarted.TrySetResult(true);
            await bProceed.Task;
            var a = await _module.A.FetchAsync(ct);
            return a.IsOk ? Fetched.Ok("b:" + a.Value, Time.GetUtcNow().AddMinutes(1)) : Fetched.Failed<string>("b needs a: " + a.Error);
        };
        _module.FetchA = async ct =>
        {
            var b = _module.B.FetchAsync(ct);
            aJoinedB.TrySetResult(true);
            var got = await b;
            return got.IsOk ? Fetched.Ok("a:" + got.Value, Time.GetUtcNow().AddMinutes(1)) : Fetched.Failed<string>("a needs b: " + got.Error);
        };

        var outside = _module.B.FetchAsync().AsTask();
        await bStarted.Task.WaitAsync(Patience);
        var a = _module.A.FetchAsync().AsTask();
        await aJoinedB.Task.WaitAsync(Patience);
        bProceed.SetResult(true);

        var bOutcome = await outside.WaitAsync(Patience);
        var aOutcome = await a.WaitAsync(Patience);
        Assert.That(bOutcome.Error, Does.Contain("Cycles.b -> Cycles.a -> Cycles.b"));
        Assert.That(aOutcome.IsOk, Is.False);
    }

    [Test]
    public async Task A_cycle_through_the_name_based_members_fails_fast()
    {
        _module.FetchA = async ct => Fetched.Ok("a:" + await _module.GetAsync<string>("b", ct), Time.GetUtcNow().AddMinutes(1));
        _module.FetchB = async ct => Fetched.Ok("b:" + await _module.GetAsync("a", ct), Time.GetUtcNow().AddMinutes(1));

        var outcome = await _module.FetchAsync("a").AsTask().WaitAsync(Patience);
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Does.Contain("Cycles.b -> Cycles.a -> Cycles.b"));
    }

    [Test]
    public async Task Reading_another_expirable_or_its_own_valid_value_is_no_cycle()
    {
        // a's eager refresh reads a (still valid) and b; b is fetched for it.
        var calls = 0;
        _module.FetchA = async ct =>
        {
            var n = Interlocked.Increment(ref calls);
            var previous = n == 1 ? "none" : await _module.A.GetAsync(ct);
            return Fetched.Ok($"a{n}({previous},{await _module.B.GetAsync(ct)})", Time.GetUtcNow().AddMinutes(1));
        };
        _module.FetchB = _ => Task.FromResult(Fetched.Ok("b", Time.GetUtcNow().AddMinutes(10)));

        Assert.That(await _module.A.GetAsync().AsTask().WaitAsync(Patience), Is.EqualTo("a1(none,b)"));
        Time.Advance(TimeSpan.FromSeconds(30));
        await _module.A.Core.WhenIdleAsync().WaitAsync(Patience);
        Assert.That(await _module.A.GetAsync(), Is.EqualTo("a2(a1(none,b),b)"));
    }

    [Test]
    public async Task Work_a_fetch_method_leaves_running_reads_its_expirable_after_the_fetch_ended_without_a_cycle()
    {
        Task<string>? later = null;
        var release = NewSource<bool>();
        var calls = 0;
        _module.FetchA = ct =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                later = Task.Run(async () =>
                {
                    await release.Task;
                    await _module.A.ClearAsync();
                    return await _module.A.GetAsync();
                });
            }

            return Task.FromResult(Fetched.Ok("a" + calls, Time.GetUtcNow().AddMinutes(1)));
        };

        Assert.That(await _module.A.GetAsync(), Is.EqualTo("a1"));
        release.SetResult(true);
        Assert.That(await later!.WaitAsync(Patience), Is.EqualTo("a2"));
    }

    private static ExpirableCycleException FindCycle(Exception? thrown)
    {
        for (var e = thrown; e is not null; e = e.InnerException)
        {
            if (e is ExpirableCycleException cycle)
            {
                return cycle;
            }
        }

        Assert.Fail("no ExpirableCycleException in " + thrown);
        return null!;
    }


    /// <summary>Two expirables whose fetch methods the test sets.</summary>
    private sealed class CycleModule : ExpirableModule
    {
        private static readonly ExpirableDefinition[] Definitions =
        [
            new("a", "A", "string", ExpirableScope.Local, RefreshMode.Eager, TimeSpan.FromSeconds(30), null, "Cycles.expirables", 1),
            new("b", "B", "string", ExpirableScope.Cluster, RefreshMode.Lazy, null, null, "Cycles.expirables", 2),
        ];

        public CycleModule(ExpirableRuntime runtime)
            : base(runtime, "Cycles", Definitions)
        {
            A = Create(Definitions[0], Fetcher.For<string>(ct => FetchA(ct)));
            B = Create(Definitions[1], Fetcher.For<string>(ct => FetchB(ct)));
        }

        public Func<CancellationToken, Task<Fetched<string>>> FetchA { get; set; } = _ => Task.FromResult(Fetched.Forever("a"));

        public Func<CancellationToken, Task<Fetched<string>>> FetchB { get; set; } = _ => Task.FromResult(Fetched.Forever("b"));

        public Expirable<string> A { get; }

        public Expirable<string> B { get; }
    }
}
