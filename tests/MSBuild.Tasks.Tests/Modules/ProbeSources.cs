using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.MSBuild.Tests.Modules;

/// <summary>The fetch methods Probe.expirables names.</summary>
public static class ProbeSources
{
    private static int answerCalls;

    public static int AnswerCalls => Volatile.Read(ref answerCalls);

    public static Fetched<string> Greeting() => Fetched.Forever("hello");

    public static Task<Fetched<int>> Answer(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref answerCalls);
        return Task.FromResult(Fetched.Ok(42, DateTimeOffset.UtcNow.AddHours(1)));
    }
}
