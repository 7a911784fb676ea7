using ExpirableStore;

Console.WriteLine(new App.Tokens(ExpirableRuntime.InMemory()).ApiToken.Name);

public static class Fetchers
{
    public static Fetched<string> FetchToken() => Fetched.Ok("tok", DateTimeOffset.UtcNow.AddMinutes(5));
}
