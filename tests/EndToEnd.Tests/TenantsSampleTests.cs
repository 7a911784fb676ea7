using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.EndToEnd.Tests;

/// <summary>The language version 2 sample: a token per tenant and rotating refresh tokens, in process.</summary>
[TestFixture]
public sealed class TenantsSampleTests
{
    [Test]
    public async Task Tenants_sample_fetches_once_per_tenant_and_presents_every_refresh_token_once()
    {
        var project = Repository.PathOf("samples", "Tenants");

        var run = await ProcessRunner.DotnetAsync(Repository.Root,
            new[] { "run", "--project", project, "-c", "Release", "--", "--seconds", "5" });

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Output, Does.Contain("partner_token before a login: StateRequired"), run.ToString());

        // 20 concurrent callers per key share one upstream call: they all get the same value, and a tenant's
        // token is fetched at most once per round (5 rounds, a token valid 2 s).
        Assert.That(run.Output, Does.Contain("tenant_token[acme]: 20 callers got at_acme_"), run.ToString());
        Assert.That(run.Output, Does.Not.Match("20 callers got [^ ]+, "), run.ToString());
        Assert.That(Regex.Count(run.Output, @"tenant_token\[acme\]: POST"), Is.InRange(1, 5), run.ToString());
        Assert.That(run.Output, Does.Contain("clear   tenant_partner_token[globex]: cleared; now StateRequired"), run.ToString());

        // Each refresh presents the refresh token the previous refresh returned: never one twice.
        Assert.That(run.Output, Does.Not.Contain("REJECT"), run.ToString());
        Assert.That(run.Output, Does.Match(@"done +[1-9][0-9]* refreshes with a rotating refresh token, 0 rejected as reused"), run.ToString());
    }
}
