using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>
/// The one upstream every node's fetch methods call (the OAuth server of the story): counts calls per
/// name across all nodes and answers as the test scripts it.
/// </summary>
public sealed class Upstream(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>(name, call number from 1, token) -> outcome; null: "name-n" valid for <see cref="Ttl"/>.</summary>
    public Func<string, int, CancellationToken, Task<Fetched<string>>>? Handler { get; set; }

    /// <summary>Completes at the start of every fetch (tests that need to act while a fetch runs).</summary>
    public TaskCompletionSource<string> Started { get; private set; } = NewSignal();

    public int Calls(string name) => _calls.TryGetValue(name, out var n) ? n : 0;

    public void ResetStarted() => Started = NewSignal();

    public async Task<Fetched<string>> FetchAsync(string name, CancellationToken cancellationToken)
    {
        var call = _calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        Started.TrySetResult(name);
        if (Handler is { } handler)
        {
            return await handler(name, call, cancellationToken).ConfigureAwait(false);
        }

        return Fetched.Ok($"{name}-{call}", time.GetUtcNow() + Ttl);
    }

    public Task<Fetched<decimal>> FetchRateAsync(CancellationToken cancellationToken)
    {
        var call = _calls.AddOrUpdate("fx_rate", 1, (_, n) => n + 1);
        return Task.FromResult(Fetched.Ok(1.08m + (call / 100m), time.GetUtcNow() + Ttl));
    }

    private static TaskCompletionSource<string> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
