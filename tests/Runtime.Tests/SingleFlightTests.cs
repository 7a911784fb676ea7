using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class SingleFlightTests : RuntimeTestBase
{
    private const int Callers = 1000;
    private const int Iterations = 20;

    [TestCaseSource(nameof(Scopes))]
    public async Task Concurrent_callers_cause_one_fetch_and_all_get_its_value(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Lazy);
        for (var i = 0; i < Iterations; i++)
        {
            var expected = Backend.Ok("value-" + i);
            var results = await RunConcurrentCallersAsync(expirable, expected);

            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(i + 1), $"iteration {i}");
            Assert.That(results, Has.All.EqualTo(expected));
            await expirable.ClearAsync();
        }
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task Concurrent_callers_all_get_the_failure_of_the_one_fetch(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Lazy);
        for (var i = 0; i < Iterations; i++)
        {
            var failure = Fetched.Failed<string>("denied " + i);
            var results = await RunConcurrentCallersAsync(expirable, failure);

            Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(i + 1), $"iteration {i}");
            Assert.That(results.Select(r => (r.IsOk, r.Error)), Has.All.EqualTo((false, "denied " + i)));
        }
    }

    [Test]
    public async Task Cancelling_one_waiting_caller_does_not_cancel_the_shared_fetch()
    {
        var expirable = Module.LocalLazy;
        var fetchToken = NewSource<CancellationToken>();
        var release = NewSource<Fetched<string>>();
        Backend.Handler = (_, _, ct) =>
        {
            fetchToken.TrySetResult(ct);
            return release.Task;
        };

        using var cancelled = new CancellationTokenSource();
        var first = expirable.FetchAsync(cancelled.Token).AsTask();
        var token = await fetchToken.Task;
        var second = expirable.FetchAsync().AsTask();

        await cancelled.CancelAsync();
        await Assert.CatchAsync<OperationCanceledException>(async () => await first);
        Assert.That(token.IsCancellationRequested, Is.False);
        Assert.That(second.IsCompleted, Is.False);

        release.SetResult(Backend.Ok("shared"));
        Assert.That((await second).Value, Is.EqualTo("shared"));
        Assert.That(await expirable.GetAsync(), Is.EqualTo("shared"));
        Assert.That(Backend.Calls(expirable.Name), Is.EqualTo(1));
    }

    [TestCaseSource(nameof(Scopes))]
    public async Task Readers_racing_clears_and_refreshes_always_get_a_fetched_value(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        var stop = 0;
        var go = NewSource<bool>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            var reads = 0;
            while (Volatile.Read(ref stop) == 0 || reads < 1000)
            {
                var fetched = await expirable.FetchAsync();
                if (!fetched.IsOk || !fetched.Value.StartsWith(expirable.Name + "-", StringComparison.Ordinal))
                {
                    return "bad outcome: " + fetched;
                }

                reads++;
            }

            return null;
        })).ToArray();

        go.SetResult(true);
        for (var i = 0; i < 200; i++)
        {
            await expirable.ClearAsync();
            if (i % 10 == 0)
            {
                Time.Advance(TimeSpan.FromSeconds(31));
            }

            await Idle(expirable);
        }

        Volatile.Write(ref stop, 1);
        Assert.That(await Task.WhenAll(readers), Has.All.Null);
        Assert.That(Backend.Calls(expirable.Name), Is.InRange(1, 200 + 20 + 1));
    }

    private async Task<Fetched<string>[]> RunConcurrentCallersAsync(Expirable<string> expirable, Fetched<string> outcome)
    {
        var release = NewSource<Fetched<string>>();
        Backend.Handler = (_, _, _) => release.Task;
        var go = NewSource<bool>();
        var allJoined = NewSource<bool>();
        var joined = 0;

        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            var pending = expirable.FetchAsync();
            if (Interlocked.Increment(ref joined) == Callers)
            {
                allJoined.SetResult(true);
            }

            return await pending;
        })).ToArray();

        go.SetResult(true);
        await allJoined.Task;
        release.SetResult(outcome);
        return await Task.WhenAll(callers);
    }
}
