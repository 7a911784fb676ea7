using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;

namespace ExpirableStore.Tests.Support;

/// <summary>The outcome of one command: exit code, and standard output and error (apart and interleaved).</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError, string Output)
{
    /// <inheritdoc />
    public override string ToString() => $"$ {Command}{Environment.NewLine}exit code {ExitCode}{Environment.NewLine}{Output}";
}

/// <summary>
/// Runs commands the way a user's shell would: isolated from the test host's MSBuild environment
/// (<c>dotnet test</c> points nested builds at its own MSBuild through MSBUILD* and VSTEST*
/// variables, and a nested <c>dotnet build</c> would reuse it), without telemetry or first-run
/// banners, without MSBuild node reuse, and with a deadline.
/// </summary>
public static class ProcessRunner
{
    /// <summary>How long a command may run unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>.</summary>
    public static Task<ProcessResult> DotnetAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        RunAsync("dotnet", arguments, workingDirectory, environment, timeout);

    /// <summary>Runs a program; a run past the deadline is killed (with its child processes) and reported as exit code -1.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new List<string>(start.Environment.Keys))
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var both = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data, stdout, both);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderr, both);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var command = fileName + " " + string.Join(" ", start.ArgumentList);
        var limit = timeout ?? DefaultTimeout;
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(limit)).ConfigureAwait(false) != exited)
        {
            process.Kill(entireProcessTree: true);
            await exited.ConfigureAwait(false);
            return new ProcessResult(command, -1, Snapshot(stdout, both), Snapshot(stderr, both), $"timed out after {limit}{Environment.NewLine}{Snapshot(both, both)}");
        }

        // The parameterless wait returns only once the redirected streams are drained.
        process.WaitForExit();
        return new ProcessResult(command, process.ExitCode, Snapshot(stdout, both), Snapshot(stderr, both), Snapshot(both, both));
    }

    private static void Append(string? line, StringBuilder stream, StringBuilder both)
    {
        if (line is null)
        {
            return;
        }

        lock (both)
        {
            stream.Append(line).Append('\n');
            both.Append(line).Append('\n');
        }
    }

    private static string Snapshot(StringBuilder builder, StringBuilder gate)
    {
        lock (gate)
        {
            return builder.ToString();
        }
    }
}
