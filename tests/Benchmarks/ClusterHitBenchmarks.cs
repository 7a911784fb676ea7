using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// A hit on a cluster-scoped value backed by a real nats-server (JetStream KV), next to a hit on a
/// local-scoped value of the same runtime. A cluster hit reads the node's replica and makes no NATS
/// call, so it must cost what a local hit costs: the local <c>GetAsync</c> is the baseline and the
/// ratio column shows the difference. GlobalSetup starts nats-server (fails if it is not installed),
/// connects with <see cref="ExpirableRuntime.ConnectAsync"/> to a fresh bucket, caches both values
/// (expiry 1 h) and checks that each fetch ran once after 10,000 warm hits; GlobalCleanup checks
/// again, disposes the runtime and kills the server (setup does the same when it fails).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RuntimeSpeedRatioConfig))]
public class ClusterHitBenchmarks
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private Process? _server;
    private string? _storeDir;
    private ExpirableRuntime? _runtime;
    private RuntimeHitModule _module = null!;

    [GlobalSetup]
    public void Setup()
    {
        try
        {
            var url = StartServer();
            _runtime = ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions
            {
                NatsUrl = url,
                Bucket = "bench-" + Guid.NewGuid().ToString("N"),
            }).AsTask().GetAwaiter().GetResult();
            _module = new RuntimeHitModule(_runtime);
            _module.WarmAndVerify();
        }
        catch
        {
            Cleanup();
            throw;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            if (_runtime is not null && _module is not null)
            {
                RuntimeHitModule.Require(_module.LocalFetches == 1 && _module.ClusterFetches == 1, $"fetched during the run (local {_module.LocalFetches}, cluster {_module.ClusterFetches})");
            }
        }
        finally
        {
            try
            {
                _runtime?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                _runtime = null;
                StopServer();
            }
        }
    }

    [Benchmark(Baseline = true, Description = "Expirable local GetAsync (sync)")]
    public string Local_GetAsync_Sync()
    {
        var pending = _module.LocalToken.GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "Expirable NATS cluster GetAsync (sync)")]
    public string Cluster_GetAsync_Sync()
    {
        var pending = _module.ClusterToken.GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : Wait(pending);
    }

    [Benchmark(Description = "Expirable local FetchAsync (sync)")]
    public string Local_FetchAsync_Sync()
    {
        var pending = _module.LocalToken.FetchAsync();
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [Benchmark(Description = "Expirable NATS cluster FetchAsync (sync)")]
    public string Cluster_FetchAsync_Sync()
    {
        var pending = _module.ClusterToken.FetchAsync();
        return pending.IsCompletedSuccessfully ? pending.Result.Value : Wait(pending).Value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Wait<T>(ValueTask<T> pending) => pending.AsTask().GetAwaiter().GetResult();

    private static string FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "nats-server")))
            {
                return Path.Combine(dir, "nats-server");
            }
        }

        throw new InvalidOperationException(
            "ClusterHitBenchmarks needs a real nats-server on PATH (2.9 or later): install it with `apt-get install -y nats-server`.");
    }

    /// <summary>Starts nats-server on a random loopback port and returns its client URL once it is ready.</summary>
    private string StartServer()
    {
        var binary = FindServer();
        _storeDir = Path.Combine(Path.GetTempPath(), "expirable-bench-nats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_storeDir);
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-a", "127.0.0.1", "-p", "-1", "-m", "-1", "-js", "-sd", _storeDir, "--ports_file_dir", _storeDir })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start.");
        _server = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Last resort if the benchmark process exits without GlobalCleanup.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopServer();

        var portsFile = Path.Combine(_storeDir, $"nats-server_{process.Id}.ports");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with code {process.ExitCode} before it was ready.");
            }

            if (File.Exists(portsFile))
            {
                try
                {
                    using var document = JsonDocument.Parse(File.ReadAllText(portsFile));
                    if (document.RootElement.TryGetProperty("nats", out var urls) && urls.GetArrayLength() > 0)
                    {
                        return urls.EnumerateArray().First().GetString()!;
                    }
                }
                catch (Exception ex) when (ex is JsonException or IOException)
                {
                    // Being written: read it again.
                }
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"nats-server did not write {portsFile} within {StartTimeout}.");
            }

            Thread.Sleep(25);
        }
    }

    private void StopServer()
    {
        if (_server is not null)
        {
            Kill(_server);
            _server.Dispose();
            _server = null;
        }

        if (_storeDir is not null)
        {
            try
            {
                Directory.Delete(_storeDir, recursive: true);
            }
            catch (IOException)
            {
            }

            _storeDir = null;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(10_000);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
