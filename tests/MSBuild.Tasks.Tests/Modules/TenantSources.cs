using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.MSBuild.Tests.Modules;

/// <summary>The fetch methods Tenants.expirables names, in the keyed and stateful shapes.</summary>
public static class TenantSources
{
    private static int tokenCalls;

    public static int TokenCalls => Volatile.Read(ref tokenCalls);

    public static Fetched<string> Greeting(string tenant) => Fetched.Forever("hello " + tenant);

    // Each fetch counts on from the state the previous one returned, and expires at once.
    public static Fetched<int, int> Count(int previous) => Fetched.Ok(previous + 1, DateTimeOffset.UtcNow.AddMilliseconds(-1)).WithState(previous + 1);

    // A rotating refresh token: the value names the token it was made with, the next state is a new one.
    public static ValueTask<Fetched<string, string>> Token(int tenant, string refreshToken, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref tokenCalls);
        return new ValueTask<Fetched<string, string>>(Fetched.Forever($"access {tenant} from {refreshToken}").WithState(refreshToken + "'"));
    }
}
