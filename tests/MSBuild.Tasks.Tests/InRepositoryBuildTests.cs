using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.MSBuild.Tests.Modules;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.MSBuild.Tests;

/// <summary>
/// This project builds with the repository's own build integration (ExpirablesInRepository=true):
/// Modules/Probe.expirables was compiled by the task from src/MSBuild.Tasks during this build, and
/// the class it generated works against the real runtime; so does Modules/Tenants.expirables, with
/// keyed and stateful expirables (language version 2).
/// </summary>
public sealed class InRepositoryBuildTests
{
    private static readonly string Source = Repository.PathOf("tests", "MSBuild.Tasks.Tests", "Modules", "Probe.expirables");

    [Test]
    public async Task The_module_generated_by_this_build_fetches_through_the_runtime()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var probe = new Probe(runtime);

        Assert.That(await probe.Greeting.GetAsync(), Is.EqualTo("hello"));
        var before = ProbeSources.AnswerCalls;
        Assert.That(await probe.Answer.GetAsync(), Is.EqualTo(42));
        Assert.That(await probe.Answer.GetAsync(), Is.EqualTo(42));
        Assert.That(ProbeSources.AnswerCalls - before, Is.EqualTo(1), "the second access is a hit");
    }

    [Test]
    public void Its_definitions_describe_the_expirables_file()
    {
        var lines = File.ReadAllLines(Source);

        Assert.That(Probe.Definitions.Select(d => (d.Name, d.MemberName, d.ValueType, d.Scope, d.Refresh)), Is.EqualTo(new[]
        {
            ("greeting", "Greeting", "string", ExpirableScope.Local, RefreshMode.Lazy),
            ("answer", "Answer", "int", ExpirableScope.Local, RefreshMode.Eager),
        }));
        Assert.That(Probe.Definitions[1].EagerBefore, Is.EqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(Probe.Definitions[1].Timeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(Probe.Definitions.Select(d => d.SourceFile), Is.All.EqualTo("Probe.expirables"));
        Assert.That(Probe.Definitions.Select(d => lines[d.Line - 1]), Has.All.StartWith("expirable "));
    }

    [Test]
    public async Task A_keyed_module_generated_by_this_build_has_one_value_per_key()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var tenants = new Tenants(runtime);

        Assert.That(await tenants.TenantGreeting.GetAsync("acme"), Is.EqualTo("hello acme"));
        Assert.That(await tenants.TenantGreeting.GetAsync("globex"), Is.EqualTo("hello globex"));
    }

    [Test]
    public async Task A_stateful_module_generated_by_this_build_hands_each_fetch_the_state_the_previous_one_returned()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var tenants = new Tenants(runtime);

        Assert.That(await tenants.Counter.GetAsync(), Is.EqualTo(1), "the first fetch receives default(int)");
        Assert.That(await tenants.Counter.GetAsync(), Is.EqualTo(2));
        await tenants.Counter.PutStateAsync(10);
        Assert.That(await tenants.Counter.GetAsync(), Is.EqualTo(11));
    }

    [Test]
    public async Task A_required_state_generated_by_this_build_stops_the_fetch_until_the_state_is_put()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var tenants = new Tenants(runtime);
        var before = TenantSources.TokenCalls;

        var early = await tenants.TenantToken.FetchAsync(7);
        Assert.That((early.IsOk, early.Failure), Is.EqualTo((false, FetchFailure.StateRequired)));
        Assert.That(TenantSources.TokenCalls, Is.EqualTo(before), "no fetch runs before the state is put");

        await tenants.TenantToken.PutStateAsync(7, "r1");
        Assert.That(await tenants.TenantToken.GetAsync(7), Is.EqualTo("access 7 from r1"));
    }

    [Test]
    public void Its_version_2_definitions_carry_the_key_and_state_types()
    {
        Assert.That(Tenants.Definitions.Select(d => (d.Name, d.ValueType, d.KeyType, d.StateType, d.StateRequired)), Is.EqualTo(new (string, string, string?, string?, bool)[]
        {
            ("tenant_greeting", "string", "string", null, false),
            ("counter", "int", null, "int", false),
            ("tenant_token", "string", "int", "string", true),
        }));
        Assert.That(Probe.Definitions.Select(d => (d.IsKeyed, d.IsStateful)), Has.All.EqualTo((false, false)), "a version 1 module is neither");
    }
}
