using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// The cluster protocol on one NATS KV bucket, value-type agnostic (values are bytes here):
/// watcher-fed replicas for reads, a revision-CAS lease so that one process in the cluster fetches,
/// fencing of every write on the holder's own lease revision, and the behaviour while the cluster
/// cannot coordinate. The runtime's store seam (<c>NatsExpirableStore</c>) adapts it to typed expirables.
/// </summary>
/// <remarks>
/// One file per step: this one holds the lifecycle, reads and reachability; <c>.Reset.cs</c> a lost or
/// recreated stream; <c>.Fetch.cs</c> the decision of a process that needs a value (take, wait, claim);
/// <c>.Holding.cs</c> the lease holder (renew, write, release, a fetch that timed out);
/// <c>.Clear.cs</c> deletion and compare-and-clear. See docs/cluster.md.
/// </remarks>
internal sealed partial class ClusterStore : IAsyncDisposable
{
    /// <summary>Above this difference between this host's clock and the NATS server's, a warning is logged once.</summary>
    public static readonly TimeSpan SkewWarningThreshold = TimeSpan.FromSeconds(1);

    private readonly ClusterStoreOptions _options;
    private readonly ClusterBucket _bucket;
    private readonly ClusterWatcher _watcher;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<string, Holding> _holdings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _background = new();
    private readonly ConcurrentDictionary<string, string> _rejected = new(StringComparer.Ordinal);
    private TaskCompletionSource _connected = NewSignal(completed: true);
    private long _disconnectedAt;
    private int _unreachableLogged;
    private int _unavailableLogged;
    private long _claimAttempts;
    private int _waiting;
    private int _disposed;

    private ClusterStore(ClusterStoreOptions options, ClusterBucket bucket, ClusterEnvelopeCodec codec)
    {
        _options = options;
        _bucket = bucket;
        Codec = codec;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger("ExpirableStore.Cluster");
        Replicas = new ReplicaTable(_time, codec, _logger);
        _watcher = new ClusterWatcher(bucket, Replicas, options, _logger, CheckStreamAsync);
        bucket.Connection.ConnectionDisconnected += OnDisconnectedAsync;
        bucket.Connection.ConnectionOpened += OnConnectedAsync;
    }

    public string NodeName => _options.NodeName;

    public ReplicaTable Replicas { get; }

    public ClusterEnvelopeCodec Codec { get; }

    public ClusterBucket Bucket => _bucket;

    public ClusterWatcher Watcher => _watcher;

    public ClusterStoreOptions Options => _options;

    /// <summary>True while the connection to NATS is open.</summary>
    public bool IsConnected => _bucket.IsConnected;

    /// <summary>Compare-and-sets this process made to claim a lease (the scale measurement counts them).</summary>
    public long ClaimAttempts => Interlocked.Read(ref _claimAttempts);

    /// <summary>Calls of this process waiting for another process's lease right now (diagnostics and tests).</summary>
    public int WaitingCalls => Volatile.Read(ref _waiting);

    /// <summary>
    /// Connects, finds the bucket (creating it only when it is missing, never changing it), starts the
    /// watcher and returns once its snapshot fills the replicas.
    /// </summary>
    public static async ValueTask<ClusterStore> ConnectAsync(ClusterStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var protector = options.EncryptionKeys is { Count: > 0 } keys ? new ClusterValueProtector(keys) : null;
        var codec = new ClusterEnvelopeCodec(protector, options.MaxEnvelopeBytes);
        var (bucket, differences) = await ClusterBucket.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var store = new ClusterStore(options, bucket, codec);
        try
        {
            if (differences is not null)
            {
                Log.BucketConfigDiffers(store._logger, options.Bucket, differences);
            }

            store.RememberStream();
            store._watcher.Start();
            try
            {
                await store.Replicas.Ready.WaitAsync(options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new ClusterCallTimeoutException(
                    $"The watcher of bucket '{options.Bucket}' did not deliver its initial snapshot within {options.ConnectTimeout}.");
            }

            Log.Connected(store._logger, options.Bucket, options.NodeName, store.Replicas.Keys.Count, bucket.ServerVersion);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The replica's value for <paramref name="key"/> if it is valid now (never an expired or unreadable one).</summary>
    public bool TryGetValue(string key, out ClusterEnvelope envelope)
    {
        var state = Replicas.Get(key);
        if (state.Kind == ReplicaKind.Present && state.Envelope is { } current && current.IsValidAt(_time.GetUtcNow()))
        {
            envelope = current;
            return true;
        }

        envelope = null!;
        return false;
    }

    /// <summary>
    /// Whether an encoded envelope can be written: within this process's envelope limit, the connected
    /// server's <c>max_payload</c> (headers included) and the bucket's maximum value size.
    /// </summary>
    public bool CanStore(byte[] encoded, out string reason)
    {
        var limit = Math.Min(Codec.MaxEnvelopeBytes, _bucket.MaxPayload - 256);
        if (_bucket.Info?.Config.MaxMsgSize is > 0 and var maxValueSize)
        {
            limit = Math.Min(limit, maxValueSize - 256);
        }

        reason = encoded.Length <= limit ? string.Empty : $"its envelope is {encoded.Length} bytes, more than the {limit} this bucket and server take";
        return encoded.Length <= limit;
    }

    /// <summary>Drops the connection without releasing anything: a process that dies (tests of lease takeover).</summary>
    internal async ValueTask AbandonAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _watcher.DisposeAsync().ConfigureAwait(false);
        await _bucket.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _bucket.Connection.ConnectionDisconnected -= OnDisconnectedAsync;
        _bucket.Connection.ConnectionOpened -= OnConnectedAsync;
        await _lifetime.CancelAsync().ConfigureAwait(false);

        // Holders still finishing a fetch that timed out get a grace to end it and write or release; after
        // it they stop renewing, and the leases of fetches still running lapse by themselves.
        try
        {
            await Task.WhenAll(_background.Keys).WaitAsync(_options.ShutdownGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _shutdown.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_background.Keys).WaitAsync(_options.CallTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A write still waiting for its answer: its outcome does not matter any more.
            }
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _watcher.DisposeAsync().ConfigureAwait(false);
        await _bucket.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _shutdown.Dispose();
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    /// <summary>Runs work that outlives the call that started it (a holder whose fetch timed out, a repair); disposal waits for it.</summary>
    private void RunInBackground(Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // Disposed meanwhile.
            }
        });
        _background[task] = true;
        task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, bool>)state!).TryRemove(t, out _), _background, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Not connected: waits for the reconnect if the disconnect is recent (within
    /// <see cref="ClusterStoreOptions.ReconnectGrace"/>); true when connected again.
    /// </summary>
    private async ValueTask<bool> AwaitReconnectAsync(CancellationToken cancellationToken)
    {
        var remaining = _options.ReconnectGrace - Stopwatch.GetElapsedTime(Interlocked.Read(ref _disconnectedAt));
        if (remaining > TimeSpan.Zero)
        {
            try
            {
                await Volatile.Read(ref _connected).Task.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        return IsConnected;
    }

    /// <summary>JetStream did not answer a write: logged once until a write lands again.</summary>
    private void NoteUnavailable(string key, string reason)
    {
        if (Interlocked.Exchange(ref _unavailableLogged, 1) == 0)
        {
            Log.JetStreamUnavailable(_logger, key, reason, _options.UnavailableBudget, _options.FetchLocallyWhenUnreachable ? "run in this process" : "fail");
        }
    }

    private void NoteAvailable() => Volatile.Write(ref _unavailableLogged, 0);

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        if (Volatile.Read(ref _connected).Task.IsCompleted)
        {
            Interlocked.Exchange(ref _disconnectedAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref _connected, NewSignal(completed: false));
        }

        if (Interlocked.Exchange(ref _unreachableLogged, 1) == 0 && Volatile.Read(ref _disposed) == 0)
        {
            Log.Disconnected(_logger, _options.FetchLocallyWhenUnreachable ? "runs in this process" : "fails");
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnConnectedAsync(object? sender, NatsEventArgs args)
    {
        Volatile.Read(ref _connected).TrySetResult();
        if (Interlocked.Exchange(ref _unreachableLogged, 0) == 1 && Volatile.Read(ref _disposed) == 0)
        {
            Log.Reconnected(_logger);
        }

        // The server may have restarted (its consumers are gone, its store maybe too): look at the stream now.
        _watcher.RequestCheck();
        return ValueTask.CompletedTask;
    }
}
