using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;

namespace Quickstart;

/// <summary>
/// Accesses each expirable of Quickstart.expirables once a second for ten seconds and prints what
/// happens: each access, each real fetch, each eager refresh and each failure.
/// </summary>
/// <remarks>
/// Usage: <c>dotnet run --project samples/Quickstart [-- --nats nats://host:port] [--seconds N]</c>.
/// Exit codes: 0 done; 2 bad arguments or the runtime could not start.
/// </remarks>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        string? natsUrl = null;
        var seconds = 10;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--nats" when i + 1 < args.Length:
                    natsUrl = args[++i];
                    break;
                case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0:
                    seconds = value;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine("usage: Quickstart [--nats nats://host:port] [--seconds N]");
                    return 2;
            }
        }

        ExpirableRuntime runtime;
        if (natsUrl is null)
        {
            runtime = ExpirableRuntime.InMemory();
            Say.Line("start", "runtime: in process, no server (pass --nats nats://host:port to share cluster-scoped values)");
        }
        else
        {
            try
            {
                using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                runtime = await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions { NatsUrl = natsUrl }, connectTimeout.Token);
                Say.Line("start", $"runtime: connected to {natsUrl}; cluster-scoped values are shared through the 'expirables' bucket");
            }
            catch (Exception e)
            {
                // NotSupportedException until the cluster store lands; otherwise an unreachable server or a timeout.
                Console.Error.WriteLine($"cannot start the runtime against {natsUrl}: {e.GetType().Name}: {e.Message}");
                return 2;
            }
        }

        await using (runtime)
        {
            using var eagerRefreshes = WatchEagerRefreshes();
            var tokens = new Tokens(runtime);
            Say.Line("start", $"{Tokens.Definitions.Count} expirables from {Tokens.Definitions[0].SourceFile}: "
                + string.Join(", ", Tokens.Definitions.Select(d => $"{d.Name} ({Describe(d)})")));

            using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var round = 0;
            do
            {
                round++;
                Say.Line("round", $"{round}");
                await AccessAsync(tokens.GithubAccessToken);
                await AccessAsync(tokens.DatadogAgentToken);
                await AccessAsync(tokens.FxRateUsdKrw);
                await AccessAsync(tokens.StaticConfig);
                await AccessAsync(tokens.PartnerApiKey);
                if (round == 6)
                {
                    await tokens.GithubAccessToken.ClearAsync();
                    Say.Line("clear", "github_access_token: cleared; the next access fetches a new token");
                }
            }
            while (round < seconds && await ticks.WaitForNextTickAsync());
        }

        Say.Line("done", "exit 0");
        return 0;
    }

    private static async Task AccessAsync<T>(Expirable<T> expirable)
    {
        var started = Say.Elapsed;
        var fetched = await expirable.FetchAsync();
        var waited = (Say.Elapsed - started).TotalMilliseconds;
        if (!fetched.IsOk)
        {
            Say.Line("FAILED", $"{expirable.Name}: {fetched.Error} (after {waited:0} ms; not cached, the next access tries again)");
            return;
        }

        var expiry = fetched.ExpiresAt is { } at
            ? $"expires in {(at - DateTimeOffset.UtcNow).TotalSeconds:0.0} s"
            : "never expires";
        Say.Line("access", $"{expirable.Name} = {Show(fetched.Value)} ({expiry}; answered in {waited:0} ms)");
    }

    private static string Show<T>(T value) => value switch
    {
        IDictionary<string, string> map => "{" + string.Join(", ", map.Select(p => $"{p.Key}={p.Value}")) + "}",
        _ => value?.ToString() ?? "null",
    };

    private static string Describe(ExpirableDefinition definition) =>
        definition.Refresh == RefreshMode.Eager
            ? $"{definition.Scope}, eager {definition.EagerBefore?.TotalSeconds:0.#} s before expiry".ToLowerInvariant()
            : $"{definition.Scope}, lazy".ToLowerInvariant();

    // The runtime counts eager refreshes on its "ExpirableStore" meter: listen to print each one.
    private static MeterListener WatchEagerRefreshes()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ExpirableStore" && instrument.Name == "expirable.eager_refreshes")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var name = "?";
            foreach (var tag in tags)
            {
                if (tag.Key == "expirable.name")
                {
                    name = tag.Value?.ToString() ?? name;
                }
            }

            Say.Line("eager", $"{name}: background refresh before expiry (callers keep the current value meanwhile)");
        });
        listener.Start();
        return listener;
    }
}
