using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;

namespace Quickstart.Fakes;

// Stand-ins for the servers a real application talks to. Each fetch prints what it does, so that the
// output shows when the runtime really calls a fetch method and when it answers from its cache.

/// <summary>A pretend OAuth server: ~200 ms per token request, tokens valid for a few seconds.</summary>
public static class OAuthServer
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(200);
    private static int _githubTokens;
    private static int _datadogTokens;

    public static async Task<Fetched<string>> FetchGitHubToken(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _githubTokens);
        Say.Line("fetch", $"github_access_token: POST /login/oauth/access_token (request #{number})");
        await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
        var token = $"gho_{number:0000}";
        Say.Line("fetch", $"github_access_token: got {token}, valid for 3 s");
        return Fetched.Ok(token, DateTimeOffset.UtcNow.AddSeconds(3));
    }

    public static async Task<Fetched<string>> FetchDatadogToken(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _datadogTokens);
        Say.Line("fetch", $"datadog_agent_token: POST /oauth2/v1/token (request #{number})");
        await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
        var token = $"dd_{number:0000}";
        Say.Line("fetch", $"datadog_agent_token: got {token}, valid for 4 s");
        return Fetched.Ok(token, DateTimeOffset.UtcNow.AddSeconds(4));
    }

    public static async Task<Fetched<string>> FetchFromBrokenServer(CancellationToken cancellationToken)
    {
        Say.Line("fetch", "partner_api_key: POST /oauth/token");
        await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
        Say.Line("fetch", "partner_api_key: the server answered 401 invalid_client");
        return Fetched.Failed<string>("401 invalid_client: the partner's OAuth server rejected our client credentials");
    }
}

/// <summary>A pretend exchange-rate service: a rate valid for 3 s.</summary>
public static class FxServer
{
    private static int _quotes;

    public static async Task<Fetched<decimal>> FetchUsdKrw(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _quotes);
        Say.Line("fetch", $"fx_rate_usd_krw: GET /rates/USD-KRW (request #{number})");
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        var rate = 1380m + number;
        Say.Line("fetch", $"fx_rate_usd_krw: got {rate}, valid for 3 s");
        return Fetched.Ok(rate, DateTimeOffset.UtcNow.AddSeconds(3));
    }
}

/// <summary>A pretend configuration service whose answer never changes.</summary>
public static class ConfigServer
{
    public static Fetched<Dictionary<string, string>> Load()
    {
        Say.Line("fetch", "static_config: loading the configuration (never expires)");
        return Fetched.Forever(new Dictionary<string, string> { ["region"] = "eu-west-1", ["tier"] = "gold" });
    }
}
