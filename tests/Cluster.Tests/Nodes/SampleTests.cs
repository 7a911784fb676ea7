using System.Threading.Tasks;
using ExpirableStore.Cluster.Tests.Infrastructure;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>The keyed and stateful sample as its README runs it against NATS: twice on one server, each run clean.</summary>
[TestFixture]
internal sealed class SampleTests : ClusterTestBase
{
    [Test]
    public async Task The_Tenants_sample_runs_against_NATS_twice_and_presents_every_refresh_token_once()
    {
        var project = Repository.PathOf("samples", "Tenants");
        for (var run = 1; run <= 2; run++)
        {
            // Release, like CI's solution build, so that this is an incremental build there.
            var result = await ProcessRunner.DotnetAsync(Repository.Root,
                new[] { "run", "--project", project, "-c", "Release", "--", "--nats", Server.Url, "--seconds", "4" });

            Assert.That(result.ExitCode, Is.Zero, $"run {run}: {result}");
            Assert.That(result.Output, Does.Contain("connected to " + Server.Url), result.ToString());
            Assert.That(result.Output, Does.Contain("partner_token before a login: StateRequired"), result.ToString());
            Assert.That(result.Output, Does.Not.Contain("REJECT"), result.ToString());
            Assert.That(result.Output, Does.Match("done +[1-9][0-9]* refreshes with a rotating refresh token, 0 rejected as reused"), result.ToString());
        }
    }
}
