using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class TelemetryTests : RuntimeTestBase
{
    private const string Secret = "s3cr3t-token-value";
    private static readonly string[] BothScopes = ["cluster", "local"];
    private static readonly string[] OkThenFailed = ["ok", "failed"];

    [Test]
    public async Task Hits_misses_fetches_failures_durations_and_eager_refreshes_are_measured()
    {
        var telemetry = Runtime.Telemetry;
        using var hits = new MetricCollector<long>(telemetry.Hits);
        using var misses = new MetricCollector<long>(telemetry.Misses);
        using var fetches = new MetricCollector<long>(telemetry.Fetches);
        using var failures = new MetricCollector<long>(telemetry.FetchFailures);
        using var eager = new MetricCollector<long>(telemetry.EagerRefreshes);
        using var duration = new MetricCollector<double>(telemetry.FetchDuration);

        await Module.LocalEager.GetAsync();
        await Module.LocalEager.GetAsync();
        await Module.LocalEager.GetAsync();
        Backend.Handler = (_, _, _) => Task.FromResult(Fetched.Failed<string>("down"));
        await Module.ClusterLazy.FetchAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        await Idle(Module.LocalEager);

        Assert.That(hits.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(2));
        var hit = hits.LastMeasurement!;
        Assert.That(hit.Tags["expirable.name"], Is.EqualTo("ExpirableStore.Runtime.Tests.TestExpirables.local_eager"));
        Assert.That(hit.Tags["expirable.scope"], Is.EqualTo("local"));
        Assert.That(misses.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(2));
        Assert.That(fetches.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(3));
        Assert.That(failures.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(2));
        Assert.That(failures.GetMeasurementSnapshot().Select(m => m.Tags["expirable.scope"]), Is.EquivalentTo(BothScopes));
        Assert.That(eager.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(1));
        Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Each_fetch_is_a_span_tagged_with_name_scope_and_outcome_never_the_value()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ExpirableStore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        Backend.Handler = (_, n, _) => Task.FromResult(n == 1 ? Backend.Ok(Secret) : Fetched.Failed<string>("down"));

        await Module.ClusterLazy.GetAsync();
        await Module.ClusterLazy.ClearAsync();
        await Module.ClusterLazy.FetchAsync();

        var mine = spans.Where(s => (string?)s.GetTagItem("expirable.name") == "ExpirableStore.Runtime.Tests.TestExpirables.cluster_lazy").ToArray();
        Assert.That(mine.Select(s => s.GetTagItem("expirable.outcome")), Is.EqualTo(OkThenFailed));
        Assert.That(mine.All(s => (string?)s.GetTagItem("expirable.scope") == "cluster"), Is.True);
        Assert.That(mine.SelectMany(s => s.TagObjects).Any(t => t.Value?.ToString()?.Contains(Secret, StringComparison.Ordinal) == true), Is.False);
    }

    [Test]
    public async Task Logs_name_outcomes_and_the_in_process_cluster_once_but_never_a_value()
    {
        var logs = new CapturingLoggerFactory();
        var runtime = await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions { TimeProvider = Time, LoggerFactory = logs });
        await using (runtime)
        {
            var module = new TestExpirables(runtime);
            _ = new TestExpirables(runtime);
            Backend.Handler = (_, n, _) => Task.FromResult(n == 1 ? Backend.Ok(Secret) : Fetched.Failed<string>("upstream said no"));

            Assert.That(await module.ClusterEager.GetAsync(), Is.EqualTo(Secret));
            Time.Advance(TimeSpan.FromSeconds(30));
            await Idle(module.ClusterEager);
            Time.Advance(TimeSpan.FromSeconds(30));
            _ = await module.ClusterEager.FetchAsync();
        }

        var records = logs.Records;
        Assert.That(records.Count(r => r.Contains("run in-process", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(records.Any(r => r.Contains("upstream said no", StringComparison.Ordinal) && r.Contains("cluster_eager", StringComparison.Ordinal)), Is.True);
        Assert.That(records.Any(r => r.Contains("retrying in", StringComparison.Ordinal)), Is.True);
        Assert.That(records.Where(r => r.Contains(Secret, StringComparison.Ordinal)), Is.Empty);
    }
}
