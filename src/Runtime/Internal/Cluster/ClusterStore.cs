using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// The cluster protocol on one NATS KV bucket, value-type agnostic (values are bytes here):
/// watcher-fed replicas for reads, a revision-CAS lease so that one process in the cluster fetches,
/// fencing of the final write, and the behaviour while NATS is unreachable. The runtime's store seam
/// (<c>NatsExpirableStore</c>) adapts it to typed expirables.
/// </summary>
/// <remarks>
/// Split by concern: this file holds the lifecycle and reads; <c>ClusterStore.Lease.cs</c> the
/// fetch protocol; <c>ClusterStore.Clear.cs</c> deletion.
/// </remarks>
internal sealed partial class ClusterStore : IAsyncDisposable
{
    private readonly ClusterStoreOptions _options;
    private readonly ClusterBucket _bucket;
    private readonly ClusterWatcher _watcher;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _unreachable;
    private long _disconnectedAt;
    private TaskCompletionSource _connected = NewConnectedSignal(completed: true);
    private int _disposed;

    private ClusterStore(ClusterStoreOptions options, ClusterBucket bucket, ClusterEnvelopeCodec codec, string nodeName)
    {
        _options = options;
        _bucket = bucket;
        Codec = codec;
        NodeName = nodeName;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory.CreateLogger("ExpirableStore.Cluster");
        Replicas = new ReplicaTable(_time);
        _watcher = new ClusterWatcher(bucket, Replicas, codec, _logger, options.KeyPrefix, options.WatcherIdleHeartbeat);
        bucket.Connection.ConnectionDisconnected += OnDisconnectedAsync;
        bucket.Connection.ConnectionOpened += OnConnectedAsync;
    }

    public string NodeName { get; }

    public ReplicaTable Replicas { get; }

    public ClusterEnvelopeCodec Codec { get; }

    public ClusterBucket Bucket => _bucket;

    public ClusterStoreOptions Options => _options;

    /// <summary>True while the connection to NATS is open.</summary>
    public bool IsConnected => _bucket.IsConnected;

    /// <summary>
    /// Connects, creates or updates the bucket, starts the watcher and returns once its initial
    /// snapshot fills the replicas.
    /// </summary>
    public static async ValueTask<ClusterStore> ConnectAsync(ClusterStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LeaseDuration <= TimeSpan.Zero || options.CallTimeout <= TimeSpan.Zero || options.Replicas < 1)
        {
            throw new ArgumentException("LeaseDuration and CallTimeout must be positive and Replicas at least 1.", nameof(options));
        }

        var nodeName = options.NodeName ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var protector = options.EncryptionKeys is { Count: > 0 } keys ? new ClusterValueProtector(keys) : null;
        var codec = new ClusterEnvelopeCodec(protector, options.MaxEnvelopeBytes);
        var bucket = await ClusterBucket.OpenAsync(options, "expirables " + nodeName, cancellationToken).ConfigureAwait(false);
        var store = new ClusterStore(options, bucket, codec, nodeName);
        try
        {
            store._watcher.Start();
            try
            {
                await store._watcher.Snapshot.WaitAsync(options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new ClusterCallTimeoutException(
                    $"The watcher of bucket '{options.Bucket}' did not deliver its initial snapshot within {options.ConnectTimeout}.");
            }

            Log.Connected(store._logger, options.Bucket, nodeName, store.Replicas.Keys.Count);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The replica's value for <paramref name="key"/> if it is valid now (never an expired one).</summary>
    public bool TryGetValue(string key, out ClusterEnvelope envelope)
    {
        var state = Replicas.Get(key);
        if (state.Envelope is { } current && current.IsValidAt(_time.GetUtcNow()))
        {
            envelope = current;
            return true;
        }

        envelope = null!;
        return false;
    }

    /// <summary>Drops the connection without releasing anything: a process that dies (tests of lease takeover).</summary>
    internal async ValueTask AbandonAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

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
        await _watcher.DisposeAsync().ConfigureAwait(false);
        await _bucket.DisposeAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource NewConnectedSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }

    /// <summary>
    /// Not connected: waits for the reconnect if the disconnect is recent (within
    /// <see cref="ClusterStoreOptions.ReconnectGrace"/>); true when connected again.
    /// </summary>
    private async ValueTask<bool> AwaitReconnectAsync(CancellationToken cancellationToken)
    {
        var since = System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref _disconnectedAt));
        var remaining = _options.ReconnectGrace - since;
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

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        if (Volatile.Read(ref _connected).Task.IsCompleted)
        {
            Interlocked.Exchange(ref _disconnectedAt, System.Diagnostics.Stopwatch.GetTimestamp());
            Volatile.Write(ref _connected, NewConnectedSignal(completed: false));
        }

        if (Interlocked.Exchange(ref _unreachable, 1) == 0 && Volatile.Read(ref _disposed) == 0)
        {
            Log.Disconnected(_logger, _options.FetchLocallyWhenDisconnected ? "runs in this process" : "fails");
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnConnectedAsync(object? sender, NatsEventArgs args)
    {
        Volatile.Read(ref _connected).TrySetResult();
        if (Interlocked.Exchange(ref _unreachable, 0) == 1 && Volatile.Read(ref _disposed) == 0)
        {
            Log.Reconnected(_logger);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Reads the key from the server and folds the result into the replica; returns the replica's view.</summary>
    private async ValueTask<ReplicaState> ReadThroughAsync(string key, CancellationToken cancellationToken)
    {
        var read = await _bucket.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (read.Revision == 0)
        {
            return Replicas.Get(key);
        }

        if (read.Deleted || read.Data is null)
        {
            return Replicas.Apply(key, read.Revision, ReplicaKind.Deleted, null);
        }

        if (Codec.TryDecode(key, read.Data, out var envelope, out var reason))
        {
            return Replicas.Apply(key, read.Revision, ReplicaKind.Present, envelope);
        }

        var current = Replicas.Get(key);
        if (current.Revision < read.Revision)
        {
            Log.MalformedEntry(_logger, key, read.Revision, reason);
        }

        return Replicas.Apply(key, read.Revision, ReplicaKind.Malformed, null);
    }
}
