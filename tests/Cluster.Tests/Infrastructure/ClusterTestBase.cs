using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal.Cluster;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>
/// One nats-server per fixture (started in OneTimeSetUp, killed in OneTimeTearDown even when tests
/// fail); every test gets its own bucket, and every store it opens is disposed after it.
/// </summary>
internal abstract class ClusterTestBase
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private int _bucketCounter;

    protected NatsServerProcess Server { get; private set; } = null!;

    protected string Bucket { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartServerAsync() => Server = await NatsServerProcess.StartAsync();

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    [SetUp]
    public void NewBucket() =>
        Bucket = $"t{Interlocked.Increment(ref _bucketCounter)}-{TestContext.CurrentContext.Test.MethodName}".Replace('_', '-');

    [TearDown]
    public async Task DisposeStoresAsync()
    {
        // Reverse order: stores before the servers they talk to.
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            var disposable = _disposables[i];
            try
            {
                await disposable.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                TestContext.Out.WriteLine($"dispose: {ex.GetType().Name}: {ex.Message}");
            }
        }

        _disposables.Clear();
    }

    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    /// <summary>Runtime options of a node on this fixture's server and the test's bucket (no key prefix: protocol tests use bare keys).</summary>
    protected ExpirableRuntimeOptions RuntimeOptions(string? url = null) => new()
    {
        NatsUrl = url ?? Server.Url,
        Bucket = Bucket,
        LeaseDuration = TimeSpan.FromSeconds(2),
        NatsCallTimeout = TimeSpan.FromSeconds(2),
        KeyPrefix = string.Empty,
    };

    protected ClusterStoreOptions Options(string? nodeName = null, string? url = null, Action<ExpirableRuntimeOptions>? configure = null)
    {
        var runtimeOptions = RuntimeOptions(url);
        configure?.Invoke(runtimeOptions);
        var options = ClusterStoreOptions.From(runtimeOptions) with { ConnectTimeout = TimeSpan.FromSeconds(10) };
        return nodeName is null ? options : options with { NodeName = nodeName };
    }

    protected async Task<ClusterStore> ConnectAsync(ClusterStoreOptions? options = null) =>
        Track(await ClusterStore.ConnectAsync(options ?? Options()));

    /// <summary>A raw client on the same bucket, for writing what another (possibly foreign) process would and reading what the stream holds.</summary>
    protected async Task<RawBucket> RawBucketAsync(ClusterStoreOptions? options = null, ClusterEnvelopeCodec? codec = null) =>
        Track(await RawBucket.OpenAsync(options ?? Options("raw"), codec));

    protected static ClusterEnvelope Value(string text, DateTimeOffset? expiresAt = null) => RawBucket.Value(text, expiresAt);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    /// <summary>Waits (on the change signals, no sleeping) until the replica of <paramref name="key"/> satisfies <paramref name="condition"/>.</summary>
    protected static async Task<ReplicaState> WaitForReplicaAsync(ClusterStore store, string key, Func<ReplicaState, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var (state, next) = store.Replicas.GetWithSignal(key);
            if (condition(state))
            {
                return state;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The replica of '{key}' on {store.NodeName} did not reach the expected state; last: {state.Kind} r{state.Revision} data={Text(state.Envelope?.Data)} lease={state.Envelope?.Lease}");
            }
        }
    }

    /// <summary>Bounded polling of state that gives no event (an external process, a counter): short polls under a deadline.</summary>
    protected static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > (timeout ?? TimeSpan.FromSeconds(15)))
            {
                Assert.Fail($"timed out: {what}");
            }

            await Task.Delay(10);
        }
    }

    protected static Func<CancellationToken, ValueTask<ClusterFetchOutcome>> Fetcher(Func<ClusterFetchOutcome> produce) =>
        _ => ValueTask.FromResult(produce());
}
