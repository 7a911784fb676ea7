using System;
using System.IO;
using System.Threading.Tasks;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>The built tool, run the way a CI script runs it: a separate process with real streams and exit code.</summary>
public sealed class ProcessTests
{
    [Test]
    public async Task The_built_tool_checks_the_samples_folder()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "expirablesc.dll");
        var workingDirectory = Path.GetDirectoryName(Expirablesc.Samples)!;

        var run = await ProcessRunner.DotnetAsync(workingDirectory, new[] { tool, "check", "expirables" }, timeout: TimeSpan.FromMinutes(1));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        var inProcess = Expirablesc.Run(workingDirectory, "check", "expirables");
        Assert.That(run.StandardOutput, Is.EqualTo(inProcess.Output), "the process prints what the in-process run prints");
        Assert.That(run.StandardOutput, Does.StartWith("expirables/mistakes.expirables(4,11): error EXP0104: expirable 'api_key' has no 'fetch' option"));
        Assert.That(run.StandardError, Does.Contain("4 files checked: 5 errors, 1 warning."));
    }
}
