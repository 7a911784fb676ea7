using ExpirableStore;

var runtime = ExpirableRuntime.InMemory();
var tokens = new App.Tokens(runtime);
var rates = new App.Market.Rates(runtime);
Console.WriteLine("token=" + await tokens.ApiToken.GetAsync());
Console.WriteLine("token=" + await tokens.ApiToken.GetAsync());
Console.WriteLine("region=" + (await tokens.Settings.GetAsync())["region"]);
Console.WriteLine("rate=" + await rates.UsdEur.GetAsync());
Console.WriteLine("token fetches=" + Fetchers.TokenFetches);
Console.WriteLine("definitions=" + string.Join(",", App.Tokens.Definitions.Select(d => d.Name)));
await runtime.DisposeAsync();

public static class Fetchers
{
    public static int TokenFetches;

    public static Fetched<string> FetchToken()
    {
        TokenFetches++;
        return Fetched.Ok("tok-" + TokenFetches, DateTimeOffset.UtcNow.AddMinutes(5));
    }

    public static Task<Fetched<Dictionary<string, string>>> LoadSettings(CancellationToken cancellationToken) =>
        Task.FromResult(Fetched.Forever(new Dictionary<string, string> { ["region"] = "eu-west-1" }));

    public static ValueTask<Fetched<decimal>> FetchRate(IServiceProvider services, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Fetched.Ok(0.92m, DateTimeOffset.UtcNow.AddMinutes(5)));
}
