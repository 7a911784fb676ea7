using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>Fetch methods that misbehave (block and ignore their token, return null or default, throw their own
/// cancellation) and callers that cancel: each ends in a clear outcome, within the timeout.</summary>
public sealed class FetchEdgeCaseTests : RuntimeTestBase
{
    [Test]
    public async Task A_synchronous_fetch_that_blocks_and_ignores_its_token_stillTimes_out()
    {
        var def = Def("blocking", timeout: TimeSpan.FromSeconds(5));
        using var release = new ManualResetEventSlim(false);
        var entered = NewSource<bool>();
        var calls = 0;
        var expirable = new InlineModule(Runtime, def).Add(def, Fetcher.For(() =>
        {
            Interlocked.Increment(ref calls);
            entered.TrySetResult(true);
            release.Wait();
            return Fetched.Forever("late");
        }));
        try
        {
            var caller = expirable.FetchAsync().AsTask();
            await entered.Task.WaitAsync(Patience);
            Time.Advance(TimeSpan.FromSeconds(5));

            var outcome = await caller.WaitAsync(Patience);
            Assert.That(outcome.IsOk, Is.False);
            Assert.That(outcome.Exception, Is.InstanceOf<TimeoutException>());
        }
        finally
        {
            release.Set();
        }

        // When the abandoned call returns after all, its value is cached; the fetch method ran once.
        await Hooks.WhenFetchEndedAsync(expirable).WaitAsync(Patience);
        var again = await expirable.FetchAsync().AsTask().WaitAsync(Patience);
        Assert.That(again.Value, Is.EqualTo("late"));
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(1));
    }

    [Test]
    public async Task Dispose_ends_even_while_a_synchronous_fetch_blocks_without_observing_its_token()
    {
        var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions { TimeProvider = Time, DisposeGracePeriod = TimeSpan.FromMilliseconds(50) });
        var def = Def("blocking");
        using var release = new ManualResetEventSlim(false);
        var entered = NewSource<bool>();
        var expirable = new InlineModule(runtime, def).Add(def, Fetcher.For(_ =>
        {
            entered.TrySetResult(true);
            release.Wait(CancellationToken.None);
            return Fetched.Forever("late");
        }));
        try
        {
            var caller = expirable.FetchAsync().AsTask();
            await entered.Task.WaitAsync(Patience);
            await runtime.DisposeAsync().AsTask().WaitAsync(Patience);

            var outcome = await caller.WaitAsync(Patience);
            Assert.That(outcome.IsOk, Is.False);
            Assert.That(outcome.Error, Does.Contain("disposed"));
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    public async Task A_fetch_method_returning_a_null_task_fails_with_a_clear_reason()
    {
        var def = Def("null_task");
        var expirable = new InlineModule(Runtime, def).Add(def, Fetcher.For<string>(() => (Task<Fetched<string>>)null!));

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Does.Contain("null task"));
        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
        Assert.That(thrown!.Name, Is.EqualTo("null_task"));
    }

    [Test]
    public async Task A_fetch_returning_default_is_a_failure_with_a_reason()
    {
        var def = Def("default");
        var calls = 0;
        var expirable = new InlineModule(Runtime, def).Add(def, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return default(ValueTask<Fetched<int>>);
        });

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Error, Is.Not.Null.And.Not.Empty);
        var thrown = await Assert.ThrowsAsync<ExpirableFetchException>(async () => await expirable.GetAsync());
        Assert.That(thrown!.Message, Does.Contain("no outcome"));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task A_fetch_throwing_its_own_cancellation_is_a_failure_not_a_cancelled_caller()
    {
        var def = Def("own_cancel", timeout: TimeSpan.FromSeconds(5));
        var expirable = new InlineModule(Runtime, def).Add<string>(def, (_, _) => throw new OperationCanceledException("inner"));

        var outcome = await expirable.FetchAsync();
        Assert.That(outcome.IsOk, Is.False);
        Assert.That(outcome.Exception, Is.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_null_value_of_a_nullable_type_is_cached_and_returned()
    {
        var def = Def("nullable");
        var calls = 0;
        var expirable = new InlineModule(Runtime, def).Add(def, Fetcher.For(() =>
        {
            calls++;
            return Fetched.Ok<string?>(null, Start.AddMinutes(1));
        }));

        Assert.That(await expirable.GetAsync(), Is.Null);
        var second = await expirable.FetchAsync();
        Assert.That(second.IsOk, Is.True);
        Assert.That(second.Value, Is.Null);
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_cancelled_caller_gets_an_OperationCanceledException_for_its_own_token()
    {
        var def = Def("cancel");
        var gate = NewSource<Fetched<string>>();
        var expirable = new InlineModule(Runtime, def).Add(def, (_, _) => new ValueTask<Fetched<string>>(gate.Task));
        using var cts = new CancellationTokenSource();
        var cancelled = expirable.FetchAsync(cts.Token).AsTask();
        var other = expirable.FetchAsync().AsTask();
        await cts.CancelAsync();

        var thrown = await Assert.CatchAsync<OperationCanceledException>(async () => await cancelled);
        Assert.That(thrown!.CancellationToken, Is.EqualTo(cts.Token));
        gate.SetResult(Fetched.Forever("v"));
        Assert.That((await other).Value, Is.EqualTo("v"));
    }

    [Test]
    public async Task A_definitionTimeout_overrides_the_default_fetchTimeout()
    {
        var runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions { TimeProvider = Time, DefaultFetchTimeout = TimeSpan.FromMinutes(1), DisposeGracePeriod = TimeSpan.Zero });
        await using (runtime)
        {
            var shortDef = Def("short", timeout: TimeSpan.FromSeconds(5));
            var defaultDef = Def("default");
            var module = new InlineModule(runtime, shortDef, defaultDef);
            var entered = 0;
            var bothEntered = NewSource<bool>();
            Func<IServiceProvider, CancellationToken, ValueTask<Fetched<string>>> hang = async (_, ct) =>
            {
                if (Interlocked.Increment(ref entered) == 2)
                {
                    bothEntered.TrySetResult(true);
                }

                await Task.Delay(Timeout.InfiniteTimeSpan, Time, ct);
                return Fetched.Forever("never");
            };
            var shortOne = module.Add(shortDef, hang);
            var defaultOne = module.Add(defaultDef, hang);

            var s1 = shortOne.FetchAsync().AsTask();
            var d1 = defaultOne.FetchAsync().AsTask();

            // The timeouts are armed before the fetch methods are called.
            await bothEntered.Task.WaitAsync(Patience);
            Time.Advance(TimeSpan.FromSeconds(5));
            var shortOutcome = await s1.WaitAsync(Patience);
            Assert.That(shortOutcome.Exception, Is.InstanceOf<TimeoutException>());
            Assert.That(d1.IsCompleted, Is.False);
            Time.Advance(TimeSpan.FromSeconds(55));
            var defaultOutcome = await d1.WaitAsync(Patience);
            Assert.That(defaultOutcome.Exception, Is.InstanceOf<TimeoutException>());
        }
    }
}
