using System.Threading.Tasks;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.EndToEnd.Tests;

/// <summary>The README's first command: the Quickstart sample builds (through the in-repo build integration) and runs.</summary>
[TestFixture]
public sealed class QuickstartTests
{
    [Test]
    public async Task Quickstart_runs_and_shows_each_kind_of_event()
    {
        var project = Repository.PathOf("samples", "Quickstart");

        // Release, like CI's solution build, so that this is an incremental build there. Six rounds: long
        // enough for an eager refresh (at ~2 s) and the clear (after round 6).
        var run = await ProcessRunner.DotnetAsync(Repository.Root,
            new[] { "run", "--project", project, "-c", "Release", "--", "--seconds", "6" });

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Output, Does.Contain("access  github_access_token = gho_0001"), run.ToString());
        Assert.That(run.Output, Does.Contain("fetch   github_access_token: got gho_0001"), run.ToString());
        Assert.That(run.Output, Does.Contain("eager   Quickstart.Tokens.fx_rate_usd_krw: background refresh"), run.ToString());
        Assert.That(run.Output, Does.Contain("FAILED  partner_api_key:"), run.ToString());
        Assert.That(run.Output, Does.Contain("static_config = {region=eu-west-1, tier=gold} (never expires"), run.ToString());
        Assert.That(run.Output, Does.Contain("clear   github_access_token"), run.ToString());
        Assert.That(run.Output, Does.Contain("access  github_access_token = gho_0002"), run.ToString());
        Assert.That(run.Output, Does.Contain("done    exit 0"), run.ToString());
    }
}
