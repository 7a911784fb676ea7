using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;
using Tenants.Fakes;

namespace Tenants;

/// <summary>
/// Keyed and stateful expirables (Tenants.expirables): once a second, 20 concurrent callers per tenant
/// read each tenant's token, and 20 callers read the partner token whose refresh token rotates on
/// every refresh. The fake OAuth server revokes a chain whose refresh token is presented twice; the
/// sample ends with how many refreshes there were and how many were rejected (0).
/// </summary>
/// <remarks>
/// Usage: <c>dotnet run --project samples/Tenants [-- --nats nats://host:port] [--seconds N]</c>.
/// Exit codes: 0 done, no refresh token presented twice; 1 a refresh token was presented twice;
/// 2 bad arguments or the runtime could not start.
/// </remarks>
internal static class Program
{
    private const int Callers = 20;
    private static readonly string[] TenantNames = ["acme", "globex", "initech"];

    public static async Task<int> Main(string[] args)
    {
        string? natsUrl = null;
        var seconds = 6;
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
                    Console.Error.WriteLine("usage: Tenants [--nats nats://host:port] [--seconds N]");
                    return 2;
            }
        }

        ExpirableRuntime runtime;
        if (natsUrl is null)
        {
            runtime = ExpirableRuntime.InMemory();
            Say.Line("start", "runtime: in process, no server (pass --nats nats://host:port to keep values and refresh tokens in a JetStream bucket)");
        }
        else
        {
            try
            {
                using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                runtime = await ExpirableRuntime.ConnectAsync(new ExpirableRuntimeOptions { NatsUrl = natsUrl }, connectTimeout.Token);
                Say.Line("start", $"runtime: connected to {natsUrl}; values and refresh tokens live in the 'expirables' bucket (encrypt it: a refresh token is a secret)");
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"cannot start the runtime against {natsUrl}: {e.GetType().Name}: {e.Message}");
                return 2;
            }
        }

        await using (runtime)
        {
            var tokens = new Tokens(runtime);
            if (natsUrl is not null)
            {
                // The fake OAuth server lives in this process and knows no refresh token of an earlier run: start
                // from an empty bucket (a real service keeps the bucket's refresh tokens across restarts).
                await tokens.ClearAllAsync();
            }

            // `state RefreshGrant required`: nothing to refresh with before a login.
            var before = await tokens.PartnerToken.FetchAsync();
            Say.Line("access", $"partner_token before a login: {before.Failure} ({before.Error})");

            await tokens.PartnerToken.PutStateAsync(PartnerOAuth.Login("partner"));
            foreach (var tenant in TenantNames.Take(2))
            {
                await tokens.TenantPartnerToken.PutStateAsync(tenant, PartnerOAuth.Login("partner/" + tenant));
            }

            Say.Line("login", "partner and partner/acme, partner/globex: first refresh tokens put");

            using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var round = 0;
            do
            {
                round++;
                Say.Line("round", $"{round}");
                foreach (var tenant in TenantNames)
                {
                    await ManyCallersAsync($"tenant_token[{tenant}]", () => tokens.TenantToken.FetchAsync(tenant));
                }

                await ManyCallersAsync("partner_token", () => tokens.PartnerToken.FetchAsync());
                foreach (var tenant in TenantNames.Take(2))
                {
                    await ManyCallersAsync($"tenant_partner_token[{tenant}]", () => tokens.TenantPartnerToken.FetchAsync(tenant));
                }

                if (round == 3)
                {
                    // A clear removes the value and the refresh token: globex must log in again (acme is untouched).
                    await tokens.TenantPartnerToken.ClearAsync("globex");
                    var cleared = await tokens.TenantPartnerToken.FetchAsync("globex");
                    Say.Line("clear", $"tenant_partner_token[globex]: cleared; now {cleared.Failure}; logging in again");
                    await tokens.TenantPartnerToken.PutStateAsync("globex", PartnerOAuth.Login("partner/globex"));
                }
            }
            while (round < seconds && await ticks.WaitForNextTickAsync());
        }

        Say.Line("done", $"{PartnerOAuth.Refreshes} refreshes with a rotating refresh token, {PartnerOAuth.Rejected} rejected as reused");
        return PartnerOAuth.Rejected == 0 ? 0 : 1;
    }

    /// <summary>Runs <see cref="Callers"/> concurrent accesses and prints what they got.</summary>
    private static async Task ManyCallersAsync(string name, Func<ValueTask<Fetched<AccessToken>>> access)
    {
        var started = Say.Elapsed;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () => await access())));
        var waited = (Say.Elapsed - started).TotalMilliseconds;
        if (outcomes.Where(o => !o.IsOk).Select(o => (Fetched<AccessToken>?)o).FirstOrDefault() is { } failed)
        {
            Say.Line("FAILED", $"{name}: {failed.Failure}: {failed.Error}");
            return;
        }

        var values = string.Join(", ", outcomes.Select(o => o.Value.Value).Distinct());
        Say.Line("access", $"{name}: {Callers} callers got {values} (in {waited:0} ms)");
    }
}
