// One node of a cluster as an OS process. Protocol on stdin/stdout (one line each):
//   stdout "READY"                 connected, snapshot loaded
//   stdin  "GO"                    start the callers
//   stdout "FETCH <pid>"           this process called the upstream (the test counts these)
//   stdout "DONE <ok> <failed> <distinct values>"   every caller finished
// With --rounds N the callers read the stateful `grant` instead, N times:
//   stdin  "GO <stale value>|-"    invalidate the value of the last round (if any), then start the callers
//   stdout "PRESENT <pid> <token>" this process's fetch received that refresh token
//   stdout "DONE-<round> <ok> <failed> <distinct values>"
// Usage: NodeProcess --nats URL --bucket NAME [--prefix P] [--callers N] [--lease-ms MS] [--fetch-ms MS] [--hang] [--rounds N]
//   --hang: the fetch never returns (the test kills this process with SIGKILL mid-fetch).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;
using ExpirableStore.Cluster.NodeProcess;

var settings = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--hang")
    {
        settings["hang"] = "true";
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        settings[args[i][2..]] = args[++i];
    }
}

int Int(string name, int fallback) => settings.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var options = new ExpirableRuntimeOptions
{
    NatsUrl = settings["nats"],
    Bucket = settings["bucket"],
    KeyPrefix = settings.TryGetValue("prefix", out var prefix) ? prefix : "shared",
    LeaseDuration = TimeSpan.FromMilliseconds(Int("lease-ms", 2000)),
    NatsCallTimeout = TimeSpan.FromSeconds(2),
};
ProcessUpstream.Latency = TimeSpan.FromMilliseconds(Int("fetch-ms", 200));
ProcessUpstream.Hang = settings.ContainsKey("hang");
await using var runtime = await ExpirableRuntime.ConnectAsync(options);
var expirables = new ProcessExpirables(runtime);
Console.WriteLine("READY");

var callers = Int("callers", 300);
if (settings.ContainsKey("rounds"))
{
    for (var round = 1; round <= Int("rounds", 1); round++)
    {
        var command = Console.ReadLine()?.Split(' ', 2);
        if (command is not ["GO", var stale])
        {
            return 2;
        }

        if (stale != "-")
        {
            await expirables.Grant.InvalidateAsync(stale);
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () => await expirables.Grant.FetchAsync())));
        var good = outcomes.Count(r => r.IsOk);
        Console.WriteLine($"DONE-{round} {good} {callers - good} {string.Join(",", outcomes.Select(r => r.IsOk ? r.Value : "failed").Distinct())}");
    }

    return 0;
}

if (Console.ReadLine() != "GO")
{
    return 2;
}

var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () => await expirables.Token.FetchAsync())));
var ok = results.Count(r => r.IsOk);
var distinct = string.Join(",", results.Where(r => r.IsOk).Select(r => r.Value).Distinct());
Console.WriteLine($"DONE {ok} {callers - ok} {distinct}");
return 0;

namespace ExpirableStore.Cluster.NodeProcess
{
    /// <summary>The upstream of ProcessExpirables.expirables: one per process, set from the command line.</summary>
    internal static class ProcessUpstream
    {
        public static TimeSpan Latency { get; set; }

        public static bool Hang { get; set; }

        public static async Task<Fetched<string>> FetchAsync(CancellationToken cancellationToken)
        {
            Console.WriteLine($"FETCH {Environment.ProcessId}");
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            await Task.Delay(Latency, cancellationToken);
            return Fetched.Ok($"token-from-{Environment.ProcessId}", DateTimeOffset.UtcNow.AddMinutes(5));
        }

        /// <summary>rt-N gives at-rt-N and rt-(N+1), as an OAuth server that rotates refresh tokens.</summary>
        public static async Task<Fetched<string, string?>> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
        {
            var token = refreshToken ?? "rt-1";
            Console.WriteLine($"PRESENT {Environment.ProcessId} {token}");
            await Task.Delay(Latency, cancellationToken);
            var next = int.Parse(token.AsSpan(3), CultureInfo.InvariantCulture) + 1;
            return Fetched.Ok("at-" + token, DateTimeOffset.UtcNow.AddMinutes(5)).WithState<string?>("rt-" + next.ToString(CultureInfo.InvariantCulture));
        }
    }
}
