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
/// the class it generated works against the real runtime.
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
}
