using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>
/// A loopback TCP forwarder between one client and a server, to make the network misbehave: delay
/// every byte the server sends (acknowledgements, deliveries) by <see cref="ServerToClientDelay"/>, or
/// partition the client (nothing passes either way, in order once healed) while the TCP connection stays
/// open. The delay is the fault itself, not a way to wait for something.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _pumps = [];
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _healed = Completed();
    private long _delayTicks;

    private TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>How long each chunk from the server is held before it reaches the client.</summary>
    public TimeSpan ServerToClientDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public bool Partitioned => !Volatile.Read(ref _healed).Task.IsCompleted;

    public static TcpProxy Start(int targetPort) => new(targetPort);

    /// <summary>From now on nothing passes, either way, until <see cref="Heal"/>.</summary>
    public void Partition()
    {
        if (!Partitioned)
        {
            Volatile.Write(ref _healed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Lets everything held back through, in order.</summary>
    public void Heal() => Volatile.Read(ref _healed).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Heal();
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(_pumps);
        _listener.Dispose();
        _stop.Dispose();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }

            _pumps.Add(PumpAsync(client.GetStream(), server.GetStream(), delayed: false, client, server));
            _pumps.Add(PumpAsync(server.GetStream(), client.GetStream(), delayed: true, client, server));
        }
    }

    /// <summary>Reads chunks and hands them to a writer that releases each at its time, in order.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool delayed, TcpClient client, TcpClient server)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Data, long DueAt)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            try
            {
                await foreach (var (data, dueAt) in chunks.Reader.ReadAllAsync(_stop.Token))
                {
                    var wait = TimeSpan.FromTicks(dueAt - Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _stop.Token);
                    }

                    await Volatile.Read(ref _healed).Task.WaitAsync(_stop.Token);
                    await to.WriteAsync(data, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException or SocketException)
            {
            }
        });

        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                var now = Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
                chunks.Writer.TryWrite((buffer.AsSpan(0, read).ToArray(), now + (delayed ? Interlocked.Read(ref _delayTicks) : 0)));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            chunks.Writer.TryComplete();
            await writer;
            client.Dispose();
            server.Dispose();
        }
    }
}
