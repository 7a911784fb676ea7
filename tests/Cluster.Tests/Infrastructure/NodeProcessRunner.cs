using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>A cluster node as an OS process (NodeProcess/Program.cs), driven over stdin/stdout.</summary>
internal sealed class NodeProcessRunner : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiters = new(StringComparer.Ordinal);

    private NodeProcessRunner(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            _lines.Enqueue(e.Data);
            foreach (var (prefix, waiter) in _waiters)
            {
                if (e.Data.StartsWith(prefix, StringComparison.Ordinal))
                {
                    waiter.TrySetResult(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _errors.Enqueue(e.Data);
            }
        };
    }

    public int Id => _process.Id;

    public string[] Lines => _lines.ToArray();

    public int Fetches => Lines.Count(line => line.StartsWith("FETCH ", StringComparison.Ordinal));

    public string Errors => string.Join("\n", _errors);

    public static NodeProcessRunner Start(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ExpirableStore.Cluster.NodeProcess.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var runner = new NodeProcessRunner(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    /// <summary>Waits for the first stdout line starting with <paramref name="prefix"/> (already printed or to come).</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var waiter = _waiters.GetOrAdd(prefix, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Lines.FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal)) is { } seen)
        {
            waiter.TrySetResult(seen);
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(waiter.Task, exited).WaitAsync(timeout);
        if (first != waiter.Task && !waiter.Task.IsCompleted)
        {
            throw new InvalidOperationException($"node process {Id} exited ({_process.ExitCode}) before printing '{prefix}'.\nstdout:\n{string.Join("\n", Lines)}\nstderr:\n{Errors}");
        }

        return await waiter.Task;
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL: no cleanup, no lease release.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
