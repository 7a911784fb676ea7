using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;

namespace Tenants.Fakes;

/// <summary>An access token and when it expires.</summary>
public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt);

/// <summary>What a stateful fetch keeps between refreshes: the refresh token to present next.</summary>
public sealed record RefreshGrant(string RefreshToken);

/// <summary>A tenant's identity provider (client credentials): one token per tenant, valid 2 s.</summary>
public static class TenantAuth
{
    private static int s_issued;

    public static async Task<Fetched<AccessToken>> FetchToken(string tenant, CancellationToken cancellationToken)
    {
        await Task.Delay(50, cancellationToken);
        var n = Interlocked.Increment(ref s_issued);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        Say.Line("fetch", $"tenant_token[{tenant}]: POST /oauth/token (client credentials) -> at_{tenant}_{n:D3}");
        return Fetched.Ok(new AccessToken($"at_{tenant}_{n:D3}", expiresAt), expiresAt);
    }
}

/// <summary>
/// An OAuth server that rotates refresh tokens: every refresh returns a new one, and presenting one
/// that was already used revokes the chain (what real servers do to catch a stolen token).
/// </summary>
public static class PartnerOAuth
{
    // The refresh token each chain accepts next; a chain is revoked when a used one comes back.
    private static readonly ConcurrentDictionary<string, string> s_next = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, bool> s_used = new(StringComparer.Ordinal);
    private static int s_counter;
    private static int s_refreshes;
    private static int s_rejected;

    /// <summary>Refreshes the server accepted.</summary>
    public static int Refreshes => Volatile.Read(ref s_refreshes);

    /// <summary>Refreshes the server rejected because their refresh token had been presented before.</summary>
    public static int Rejected => Volatile.Read(ref s_rejected);

    /// <summary>A login: a new chain with its first refresh token.</summary>
    public static RefreshGrant Login(string chain)
    {
        var first = NewToken(chain);
        s_next[chain] = first;
        return new RefreshGrant(first);
    }

    public static Task<Fetched<AccessToken, RefreshGrant>> Refresh(RefreshGrant grant, CancellationToken cancellationToken) =>
        RefreshChainAsync("partner", grant, cancellationToken);

    public static Task<Fetched<AccessToken, RefreshGrant>> RefreshForTenant(string tenant, RefreshGrant grant, CancellationToken cancellationToken) =>
        RefreshChainAsync("partner/" + tenant, grant, cancellationToken);

    private static async Task<Fetched<AccessToken, RefreshGrant>> RefreshChainAsync(string chain, RefreshGrant grant, CancellationToken cancellationToken)
    {
        await Task.Delay(50, cancellationToken);
        if (!s_used.TryAdd(grant.RefreshToken, true) || !s_next.TryGetValue(chain, out var expected) || expected != grant.RefreshToken)
        {
            Interlocked.Increment(ref s_rejected);
            Say.Line("REJECT", $"{chain}: refresh token {grant.RefreshToken} was already used: the chain is revoked");

            // The state is handed back unchanged: a failure keeps the state it returns.
            return Fetched.Failed<AccessToken>("invalid_grant: refresh token reused").WithState(grant);
        }

        Interlocked.Increment(ref s_refreshes);
        var next = NewToken(chain);
        s_next[chain] = next;
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var access = new AccessToken("at_" + next[3..], expiresAt);
        Say.Line("fetch", $"{chain}: POST /oauth/token (refresh_token={grant.RefreshToken}) -> {access.Value}, next refresh token {next}");
        return Fetched.Ok(access, expiresAt).WithState(new RefreshGrant(next));
    }

    private static string NewToken(string chain) =>
        $"rt_{Interlocked.Increment(ref s_counter):D3}_{chain.Replace('/', '_')}";
}
