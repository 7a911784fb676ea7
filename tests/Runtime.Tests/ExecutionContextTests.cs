using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>
/// Background work never runs in the first caller's execution context (AsyncLocals, logging scopes,
/// Activity.Current): a shared fetch is nobody's, a background refresh has its own root span, and a
/// miss-driven fetch's span is a child of the caller that caused it.
/// </summary>
public sealed class ExecutionContextTests : RuntimeTestBase
{
    private static readonly AsyncLocal<string?> Ambient = new();
    private static readonly ActivitySource CallerSource = new("ExpirableStore.Tests.Caller");

    // NUnit shares one fixture instance between its tests: everything is made fresh per test.
    private ConcurrentQueue<string?> _seenByFetches = null!;
    private ConcurrentQueue<Activity> _spans = null!;
    private ActivityListener _listener = null!;

    [SetUp]
    public void Listen()
    {
        _seenByFetches = new();
        _spans = new();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "ExpirableStore" or "ExpirableStore.Tests.Caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        Backend.Handler = (name, n, _) =>
        {
            _seenByFetches.Enqueue(Ambient.Value);
            return Task.FromResult(Backend.Ok($"{name}-{n}"));
        };
    }

    [TearDown]
    public void StopListening() => _listener.Dispose();

    [TestCaseSource(nameof(Scopes))]
    public async Task Neither_a_miss_driven_fetch_nor_a_background_refresh_sees_the_callers_async_locals(ExpirableScope scope)
    {
        var expirable = Pick(scope, RefreshMode.Eager);
        await CallAsCallerAsync(expirable);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);

        // Expired: the retry timer and the expiry timer were armed from inside the caller's fetch.
        Backend.Handler = (_, _, _) =>
        {
            _seenByFetches.Enqueue(Ambient.Value);
            return Task.FromResult(Fetched.Failed<string>("down"));
        };
        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);
        Time.Advance(TimeSpan.FromSeconds(2));
        await Idle(expirable);

        Assert.That(Backend.Calls(expirable.Name), Is.GreaterThanOrEqualTo(3));
        Assert.That(_seenByFetches, Has.All.Null, "a fetch ran in the first caller's execution context");
    }

    [Test]
    public async Task A_miss_driven_fetch_span_is_a_child_of_the_first_caller_and_a_background_refresh_span_is_a_root()
    {
        var expirable = Module.LocalEager;
        var callerSpan = await CallAsCallerAsync(expirable);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(expirable);

        var fetchSpans = _spans.Where(s => s.OperationName == "expirable.fetch").ToArray();
        Assert.That(fetchSpans, Has.Length.EqualTo(2));
        Assert.That(fetchSpans[0].ParentSpanId, Is.EqualTo(callerSpan.SpanId), "the fetch a caller waited for is its child");
        Assert.That(fetchSpans[0].TraceId, Is.EqualTo(callerSpan.TraceId));
        Assert.That(fetchSpans[1].ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "a background refresh must be a root span");
        Assert.That(fetchSpans[1].TraceId, Is.Not.EqualTo(callerSpan.TraceId));
    }

    [Test]
    public async Task On_the_system_clock_a_background_refresh_sees_neither_the_callers_async_locals_nor_its_span()
    {
        // Real timers capture the execution context they are created in (a fake clock's do not): this needs the real clock.
        await using var runtime = ExpirableRuntime.InMemory();
        var expirable = new TestExpirables(runtime).LocalEager;
        var refreshed = NewSource<string?>();
        Backend.Handler = (name, n, _) =>
        {
            if (n == 2)
            {
                refreshed.TrySetResult(Ambient.Value);
            }

            // Eager 30 s before expiry: the refresh is due 50 ms after the first fetch.
            return Task.FromResult(Fetched.Ok($"{name}-{n}", DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(n == 1 ? 50 : 60_000)));
        };

        var callerSpan = await CallAsCallerAsync(expirable);
        Assert.That(await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.Null, "the background refresh ran in the first caller's execution context");
        await Idle(expirable);

        var fetchSpans = _spans.Where(s => s.OperationName == "expirable.fetch").ToArray();
        Assert.That(fetchSpans, Has.Length.EqualTo(2));
        Assert.That(fetchSpans[0].ParentSpanId, Is.EqualTo(callerSpan.SpanId));
        Assert.That(fetchSpans[1].ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "a background refresh must be a root span");
    }

    [Test]
    public async Task Spans_the_fetch_method_starts_are_children_of_the_fetch_span()
    {
        Backend.Handler = (name, n, _) =>
        {
            using (CallerSource.StartActivity("upstream call"))
            {
                return Task.FromResult(Backend.Ok($"{name}-{n}"));
            }
        };

        await Module.LocalLazy.GetAsync();

        var fetch = _spans.Single(s => s.OperationName == "expirable.fetch");
        var upstream = _spans.Single(s => s.OperationName == "upstream call");
        Assert.That(upstream.ParentSpanId, Is.EqualTo(fetch.SpanId));
    }

    [Test]
    public async Task A_caller_joining_a_running_fetch_does_not_become_its_parent()
    {
        var (started, release) = Backend.BlockFirstFetch();
        Task<Fetched<string>> first;
        using (CallerSource.StartActivity("first caller"))
        {
            first = Module.LocalLazy.FetchAsync().AsTask();
        }

        await started;
        Activity? second;
        Task<Fetched<string>> joined;
        using (second = CallerSource.StartActivity("second caller"))
        {
            joined = Module.LocalLazy.FetchAsync().AsTask();
        }

        release.SetResult(Backend.Ok("v"));
        await Task.WhenAll(first, joined);
        var fetch = _spans.Single(s => s.OperationName == "expirable.fetch");
        var firstCaller = _spans.Single(s => s.OperationName == "first caller");
        Assert.That(fetch.ParentSpanId, Is.EqualTo(firstCaller.SpanId));
        Assert.That(fetch.ParentSpanId, Is.Not.EqualTo(second!.SpanId));
    }

    private static async Task<Activity> CallAsCallerAsync(Expirable<string> expirable)
    {
        using var span = CallerSource.StartActivity("caller")!;
        Ambient.Value = "the first caller's";
        try
        {
            await expirable.GetAsync();
            return span;
        }
        finally
        {
            Ambient.Value = null;
        }
    }
}
