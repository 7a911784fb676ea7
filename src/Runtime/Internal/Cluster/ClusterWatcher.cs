using System;
using System.Globalization;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace ExpirableStore.Internal.Cluster;

/// <summary>How the watcher's next consumer starts.</summary>
internal enum WatchStart
{
    /// <summary>A snapshot (the last message of every key) that replaces every replica: at connect, and after the stream was lost or recreated.</summary>
    Snapshot,

    /// <summary>Right after the last message delivered: the same stream, nothing missed.</summary>
    Resume,

    /// <summary>The stream could not be checked (or is missing): wait and ask again.</summary>
    Retry,
}

/// <summary>
/// The one watcher of this process: a push consumer on the bucket's stream filtered to this process's
/// keys (<c>$KV.&lt;bucket&gt;.&lt;prefix&gt;.&gt;</c>; nats-server 2.9 consumers take one filter), feeding the
/// <see cref="ReplicaTable"/>. It owns the consumer rather than using the client's KV watcher so that it
/// sees what it must act on: idle heartbeats (silence means the consumer is gone: a server restarted,
/// a stream leader died, the stream was deleted), gaps in the consumer sequence, and the server's
/// timestamps (clock skew). Whenever
/// the consumer must be replaced it asks the store (<c>checkStream</c>) whether the stream is the same
/// one (resume after the last message) or a new one (snapshot and resync every replica).
/// </summary>
internal sealed class ClusterWatcher : IAsyncDisposable
{
    private const int OffsetSamples = 64;
    private static readonly INatsDeserialize<byte[]> Raw = NatsRawSerializer<byte[]>.Default;

    private readonly ClusterBucket _bucket;
    private readonly ReplicaTable _replicas;
    private readonly ClusterStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Func<ulong, CancellationToken, ValueTask<WatchStart>> _checkStream;
    private readonly string _filter;
    private readonly string _keyStart;
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _offsets = new long[OffsetSamples];
    private CancellationTokenSource _checkRequested = new();
    private Task _loop = Task.CompletedTask;
    private long _lastStreamSequence;
    private long _deliveries;
    private int _offsetCount;
    private int _skewLogged;

    public ClusterWatcher(
        ClusterBucket bucket,
        ReplicaTable replicas,
        ClusterStoreOptions options,
        ILogger logger,
        Func<ulong, CancellationToken, ValueTask<WatchStart>> checkStream)
    {
        _bucket = bucket;
        _replicas = replicas;
        _options = options;
        _logger = logger;
        _checkStream = checkStream;
        _keyStart = bucket.Subject(string.Empty);
        _filter = options.KeyPrefix.Length == 0 ? bucket.Subject(">") : bucket.Subject(options.KeyPrefix + ".>");
    }

    /// <summary>Messages applied so far (the scale measurement counts them).</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>The highest stream sequence delivered: a stream whose last sequence is lower was recreated.</summary>
    public ulong LastStreamSequence => (ulong)Volatile.Read(ref _lastStreamSequence);

    /// <summary>
    /// This process's clock (the runtime's) minus the NATS server's, estimated from message timestamps
    /// (the smallest of the recent differences: transit only adds); null before any message.
    /// </summary>
    public TimeSpan? ClockOffset
    {
        get
        {
            lock (_offsets)
            {
                if (_offsetCount == 0)
                {
                    return null;
                }

                var min = long.MaxValue;
                for (var i = 0; i < Math.Min(_offsetCount, OffsetSamples); i++)
                {
                    min = Math.Min(min, _offsets[i]);
                }

                return TimeSpan.FromTicks(min);
            }
        }
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Replaces the consumer after asking whether the stream is still the same (a reconnect, an anomaly seen by a write).</summary>
    public void RequestCheck()
    {
        var requested = Volatile.Read(ref _checkRequested);
        try
        {
            requested.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _checkRequested.Dispose();
    }

    private async Task RunAsync()
    {
        var start = WatchStart.Snapshot;
        var snapshotOpen = false;
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            if (start != WatchStart.Retry)
            {
                try
                {
                    snapshotOpen = await WatchAsync(start, snapshotOpen).ConfigureAwait(false);
                    failures = 0;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // the watcher outlives any one consumer: every failure ends in a check and a new consumer
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures++;
                    Log.WatcherRestarting(_logger, _bucket.Name, ex.GetType().Name, ex.Message);
                }
            }
            else
            {
                failures++;
            }

            if (failures > 0)
            {
                // Backoff on the real clock: it paces network retries, not value lifetimes.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(failures, 5))), _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                start = await _checkStream(LastStreamSequence, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }

            if (start == WatchStart.Snapshot)
            {
                snapshotOpen = false;
            }
        }
    }

    /// <summary>Runs one consumer until it falls silent, skips a message or a check is requested. Returns whether a snapshot is still open.</summary>
    private async Task<bool> WatchAsync(WatchStart start, bool snapshotOpen)
    {
        var checkRequested = new CancellationTokenSource();
        Interlocked.Exchange(ref _checkRequested, checkRequested).Dispose();
        var inbox = "_INBOX.expirables." + Guid.NewGuid().ToString("N");
        var name = "expirables_" + Guid.NewGuid().ToString("N");
        var heartbeat = _options.WatcherIdleHeartbeat;
        await using var subscription = await _bucket.Connection.SubscribeCoreAsync(
            inbox,
            serializer: Raw,
            opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 1 << 16, FullMode = BoundedChannelFullMode.DropNewest } },
            cancellationToken: _stop.Token).ConfigureAwait(false);

        var config = new ConsumerConfig
        {
            Name = name,
            DeliverSubject = inbox,
            FilterSubject = _filter,
            DeliverPolicy = start == WatchStart.Snapshot ? ConsumerConfigDeliverPolicy.LastPerSubject : ConsumerConfigDeliverPolicy.ByStartSequence,
            AckPolicy = ConsumerConfigAckPolicy.None,
            FlowControl = true,
            IdleHeartbeat = heartbeat,
            MemStorage = true,
            NumReplicas = 1,
            InactiveThreshold = heartbeat * 5 > TimeSpan.FromSeconds(5) ? heartbeat * 5 : TimeSpan.FromSeconds(5),
        };
        if (start == WatchStart.Resume)
        {
            config.OptStartSeq = LastStreamSequence + 1;
        }
        else
        {
            // A new stream numbers from 1 again: forget the old one's last sequence.
            Volatile.Write(ref _lastStreamSequence, 0);
            _replicas.BeginResync();
            snapshotOpen = true;
        }

        INatsJSConsumer consumer;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            // Nothing waits on this call but the replicas: give a slow link more than one call timeout.
            deadline.CancelAfter(_options.CallTimeout * 3);
            consumer = await _bucket.JetStream.CreateOrUpdateConsumerAsync(_bucket.StreamName, config, deadline.Token).ConfigureAwait(false);
        }

        if (snapshotOpen && consumer.Info.NumPending == 0)
        {
            snapshotOpen = false;
            _replicas.EndResync();
        }

        ulong consumerSequence = 0;
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, checkRequested.Token);
        try
        {
            while (true)
            {
                silence.CancelAfter(heartbeat * 3);
                try
                {
                    if (!await subscription.Msgs.WaitToReadAsync(silence.Token).ConfigureAwait(false))
                    {
                        return snapshotOpen;
                    }
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    if (!checkRequested.IsCancellationRequested)
                    {
                        Log.WatcherSilent(_logger, _bucket.Name, heartbeat * 3);
                    }

                    return snapshotOpen;
                }

                while (subscription.Msgs.TryRead(out var msg))
                {
                    if (msg.Headers is { Code: 100 } status)
                    {
                        if (!await OnStatusAsync(msg, status, consumerSequence).ConfigureAwait(false))
                        {
                            return snapshotOpen;
                        }

                        continue;
                    }

                    if (msg.Headers is { Code: > 0 })
                    {
                        return snapshotOpen; // e.g. 409 consumer deleted: check and start another
                    }

                    if (new NatsJSMsg<byte[]>(msg, _bucket.JetStream).Metadata is not { } metadata || metadata.Consumer != name)
                    {
                        continue;
                    }

                    if (metadata.Sequence.Consumer != consumerSequence + 1)
                    {
                        // A message was dropped (a full subscription channel): resume right after the last one applied.
                        Log.WatcherGap(_logger, _bucket.Name, consumerSequence + 1, metadata.Sequence.Consumer);
                        return snapshotOpen;
                    }

                    consumerSequence = metadata.Sequence.Consumer;
                    Deliver(msg, metadata);
                    if (snapshotOpen && metadata.NumPending == 0)
                    {
                        snapshotOpen = false;
                        _replicas.EndResync();
                    }
                }
            }
        }
        finally
        {
            DeleteConsumerInBackground(name);
        }
    }

    /// <summary>Flow control and idle heartbeats; false when the heartbeat shows a missed message.</summary>
    private async ValueTask<bool> OnStatusAsync(NatsMsg<byte[]> msg, NatsHeaders status, ulong consumerSequence)
    {
        if (msg.ReplyTo is { Length: > 0 } flowControl)
        {
            await _bucket.Connection.PublishAsync(flowControl, cancellationToken: _stop.Token).ConfigureAwait(false);
            return true;
        }

        if (status.TryGetValue("Nats-Consumer-Stalled", out var stalled) && stalled.ToString() is { Length: > 0 } stalledReply)
        {
            await _bucket.Connection.PublishAsync(stalledReply, cancellationToken: _stop.Token).ConfigureAwait(false);
        }

        return !(status.TryGetValue("Nats-Last-Consumer", out var last)
                 && ulong.TryParse(last.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var lastDelivered)
                 && lastDelivered > consumerSequence);
    }

    private void Deliver(NatsMsg<byte[]> msg, NatsJSMsgMetadata metadata)
    {
        if (msg.Subject.Length <= _keyStart.Length)
        {
            return;
        }

        var isDelete = msg.Headers is { } headers && headers.TryGetValue("KV-Operation", out var operation) && operation.ToString() is "DEL" or "PURGE";
        var sequence = metadata.Sequence.Stream;
        if (sequence > LastStreamSequence)
        {
            Volatile.Write(ref _lastStreamSequence, (long)sequence);
        }

        Interlocked.Increment(ref _deliveries);
        RecordClockOffset(metadata.Timestamp);
        _replicas.Apply(new StreamDelivery(msg.Subject[_keyStart.Length..], sequence, isDelete, msg.Data ?? []));
    }

    private void RecordClockOffset(DateTimeOffset serverTime)
    {
        var offset = (_options.TimeProvider.GetUtcNow() - serverTime).Ticks;
        TimeSpan? estimate;
        lock (_offsets)
        {
            _offsets[_offsetCount % OffsetSamples] = offset;
            _offsetCount++;
        }

        if (Volatile.Read(ref _skewLogged) != 0 || (estimate = ClockOffset) is not { } skew || skew.Duration() < ClusterStore.SkewWarningThreshold)
        {
            return;
        }

        if (Interlocked.Exchange(ref _skewLogged, 1) == 0)
        {
            Log.ClockSkew(_logger, skew, _bucket.ServerVersion);
        }
    }

    private void DeleteConsumerInBackground(string name)
    {
        // Best effort (the server drops an ephemeral consumer without interest by itself): never waited for.
        _ = Task.Run(async () =>
        {
            try
            {
                using var deadline = new CancellationTokenSource(_options.CallTimeout);
                await _bucket.JetStream.DeleteConsumerAsync(_bucket.StreamName, name, deadline.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // best effort
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        });
    }
}
