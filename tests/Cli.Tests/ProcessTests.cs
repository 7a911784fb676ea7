using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using ExpirableStore.Cli.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>The built tool, run the way a CI script runs it: a separate process with real streams and exit code.</summary>
public sealed class ProcessTests
{
    [Test]
    public async Task The_built_tool_checks_the_samples_folder()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "expirablesc.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(TestPaths.Samples)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("expirables");

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        var stdout = await output;
        var stderr = await error;
        Assert.That(process.ExitCode, Is.EqualTo(ExitCodes.Failure), stdout + stderr);
        var inProcess = Expirablesc.Run(start.WorkingDirectory, "check", "expirables");
        Assert.That(stdout.Replace("\r\n", "\n"), Is.EqualTo(inProcess.Output), "the process prints what the in-process run prints");
        Assert.That(stdout, Does.StartWith("expirables/mistakes.expirables(4,11): error EXP0104: expirable 'api_key' has no 'fetch' option"));
        Assert.That(stderr, Does.Contain("4 files checked: 5 errors, 1 warning."));
    }
}
