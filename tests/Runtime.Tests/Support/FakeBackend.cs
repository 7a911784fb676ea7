using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace ExpirableStore.Runtime.Tests.Support;

/// <summary>The upstream the test fetch methods call: counts calls per name and answers as the test scripts it.</summary>
public sealed class FakeBackend(FakeTimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>(name, call number starting at 1, the fetch's token) -> outcome. Null: "name-n" valid for <see cref="Ttl"/>.</summary>
    public Func<string, int, CancellationToken, Task<Fetched<string>>>? Handler { get; set; }

    public int Calls(string name) => _calls.TryGetValue(name, out var n) ? n : 0;

    public Fetched<string> Ok(string value) => Fetched.Ok(value, time.GetUtcNow() + Ttl);

    /// <summary>
    /// Makes the next (first) fetch wait until <c>Release</c> is completed, signalling <c>Started</c>
    /// when it begins; later fetches answer "name-n" at once.
    /// </summary>
    public (Task Started, TaskCompletionSource<Fetched<string>> Release) BlockFirstFetch()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<Fetched<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Handler = (name, n, _) =>
        {
            if (n > 1)
            {
                return Task.FromResult(Ok($"{name}-{n}"));
            }

            started.SetResult();
            return release.Task;
        };
        return (started.Task, release);
    }

    public Task<Fetched<string>> FetchAsync(string name, CancellationToken cancellationToken)
    {
        var n = _calls.AddOrUpdate(name, 1, (_, c) => c + 1);
        return Handler is { } handler ? handler(name, n, cancellationToken) : Task.FromResult(Ok($"{name}-{n}"));
    }
}

/// <summary>The static fetch methods of Modules/TestExpirables.expirables, as a user's would be.</summary>
public static class TestSources
{
    // Tests run one at a time (NUnit's default); each sets its own backend.
    public static FakeBackend Backend { get; set; } = null!;

    public static FakeTimeProvider Time { get; set; } = null!;

    public static Task<Fetched<string>> LocalLazy(CancellationToken cancellationToken) => Backend.FetchAsync("local_lazy", cancellationToken);

    public static Task<Fetched<string>> LocalEager(CancellationToken cancellationToken) => Backend.FetchAsync("local_eager", cancellationToken);

    public static Task<Fetched<string>> ClusterLazy(CancellationToken cancellationToken) => Backend.FetchAsync("cluster_lazy", cancellationToken);

    public static Task<Fetched<string>> ClusterEager(CancellationToken cancellationToken) => Backend.FetchAsync("cluster_eager", cancellationToken);

    public static Task<Fetched<string>> WithTimeout(CancellationToken cancellationToken) => Backend.FetchAsync("with_timeout", cancellationToken);

    public static Fetched<decimal> FxRate() => Fetched.Ok(1234.5m, Time.GetUtcNow().AddMinutes(1));
}

public sealed record Greeting(string Text);

/// <summary>One fetch method per shape of dsl.md.</summary>
public static class ShapeSources
{
    public static Fetched<string> Sync() => Fetched.Forever("sync");

    public static Task<Fetched<string>> TaskShape() => Task.FromResult(Fetched.Forever("task"));

    public static async ValueTask<Fetched<string>> ValueTaskShape()
    {
        await Task.Yield();
        return Fetched.Forever("value_task");
    }

    public static Fetched<string> SyncCt(CancellationToken cancellationToken) => Fetched.Forever("sync_ct:" + cancellationToken.CanBeCanceled);

    public static async Task<Fetched<string>> TaskCt(CancellationToken cancellationToken)
    {
        await Task.Yield();
        return Fetched.Forever("task_ct:" + cancellationToken.CanBeCanceled);
    }

    public static ValueTask<Fetched<string>> ValueTaskCt(CancellationToken cancellationToken) =>
        new(Fetched.Forever("value_task_ct:" + cancellationToken.CanBeCanceled));

    public static Fetched<string> SyncSp(IServiceProvider services, CancellationToken cancellationToken) =>
        Fetched.Forever("sync_sp:" + Describe(services));

    public static async Task<Fetched<string>> TaskSp(IServiceProvider services, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return Fetched.Forever("task_sp:" + Describe(services));
    }

    public static ValueTask<Fetched<string>> ValueTaskSp(IServiceProvider services, CancellationToken cancellationToken) =>
        new(Fetched.Forever("value_task_sp:" + Describe(services)));

    private static string Describe(IServiceProvider services) =>
        services.GetService(typeof(Greeting)) is Greeting greeting ? greeting.Text : "no services";
}
