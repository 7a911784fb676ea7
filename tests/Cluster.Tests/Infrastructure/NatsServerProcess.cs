using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Tests.Support;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>
/// One real nats-server process with JetStream and a File store in a temporary directory. Started by
/// the fixtures, killed in their teardown (and, as a last resort, when the test process exits).
/// </summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private const string PortPlaceholder = "{port}";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string[] _arguments;
    private readonly TempDirectory? _ownStore;
    private readonly StringBuilder _output = new();
    private Process? _process;

    static NatsServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Values)
            {
                TryKill(process);
            }
        };
    }

    private NatsServerProcess(string name, string storeDir, int port, string[] arguments, TempDirectory? ownStore = null)
    {
        Name = name;
        StoreDir = storeDir;
        _ownStore = ownStore;
        Port = port;
        _arguments = arguments;
    }

    public string Name { get; }

    public string StoreDir { get; }

    /// <summary>The client port (fixed once known, so that a restart reuses it).</summary>
    public int Port { get; private set; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Path of the nats-server binary; fails the test (never skips) when it is missing.</summary>
    public static string Binary
    {
        get
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/bin").Append("/usr/local/bin"))
            {
                if (dir.Length == 0)
                {
                    continue;
                }

                var candidate = Path.Combine(dir, "nats-server");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException(
                "nats-server is not installed: the cluster tests need a real server. Install it with `apt-get install -y nats-server` (2.9 or later).");
        }
    }

    /// <summary>A single server on a random port (or <paramref name="port"/>), its File store in a new temporary directory that it deletes when disposed.</summary>
    public static async Task<NatsServerProcess> StartAsync(int? port = null, string? extraConfig = null)
    {
        var store = new TempDirectory("nats-single");
        var storeDir = store.Path;
        var args = new[] { "-a", "127.0.0.1", "-p", PortPlaceholder, "-m", "-1", "-js", "-sd", storeDir, "--ports_file_dir", storeDir };
        if (extraConfig is not null)
        {
            var config = Path.Combine(storeDir, "extra.conf");
            await File.WriteAllTextAsync(config, extraConfig).ConfigureAwait(false);
            args = [.. args, "-c", config];
        }

        var server = new NatsServerProcess("single", storeDir, port ?? 0, args, store);
        await server.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>A cluster member started from a config file (ports fixed by the cluster fixture, which owns <paramref name="storeDir"/>).</summary>
    public static async Task<NatsServerProcess> StartWithConfigAsync(string name, string configFile, string storeDir, int port)
    {
        var server = new NatsServerProcess(name, storeDir, port, ["-c", configFile, "--ports_file_dir", storeDir]);
        await server.StartAsync().ConfigureAwait(false);
        return server;
    }

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"nats-server {Name} is already running.");
        }

        foreach (var stale in Directory.EnumerateFiles(StoreDir, "*.ports"))
        {
            File.Delete(stale);
        }

        // A restart reuses the port the first start got, so that clients reconnect to the same URL.
        var port = Port == 0 ? "-1" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var arguments = _arguments.Select(a => a == PortPlaceholder ? port : a).ToArray();
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Live[process.Id] = process;

        // Waiting on an external process: poll its ports file and socket under an overall deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nats-server {Name} exited with code {process.ExitCode}:\n{Output}");
            }

            var portsFile = Directory.EnumerateFiles(StoreDir, "*.ports").FirstOrDefault();
            if (portsFile is not null && TryReadClientPort(portsFile, out var clientPort) && CanConnect(clientPort))
            {
                Port = clientPort;
                return;
            }

            if (deadline.Elapsed > StartTimeout)
            {
                TryKill(process);
                throw new TimeoutException($"nats-server {Name} did not become ready within {StartTimeout}:\n{Output}");
            }

            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server: SIGTERM (graceful, the File store is flushed) or SIGKILL.</summary>
    public async Task StopAsync(bool kill = false)
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        if (kill)
        {
            TryKill(process);
        }
        else
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        Live.TryRemove(process.Id, out _);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: true).ConfigureAwait(false);
        _process?.Dispose();
        _ownStore?.Dispose();
    }

    /// <summary>Distinct ports that were free a moment ago (all listeners held at once, so no duplicates).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }

    /// <summary>A port that was free a moment ago (for the fixed ports of a cluster).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool TryReadClientPort(string portsFile, out int port)
    {
        port = 0;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(portsFile));
            var url = doc.RootElement.GetProperty("nats")[0].GetString();
            port = new Uri(url!).Port;
            return port > 0;
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or UriFormatException or IndexOutOfRangeException or System.Collections.Generic.KeyNotFoundException)
        {
            return false; // written but not complete yet
        }
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}
