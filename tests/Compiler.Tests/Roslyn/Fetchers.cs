// Fetch methods that the golden samples reference, in every shape dsl.md allows.
#nullable enable
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;

namespace MyApp.Vendors
{
    public static class GitHubOAuth { public static Task<Fetched<string>> FetchAccessToken(CancellationToken ct) => Task.FromResult(default(Fetched<string>)); }
    public static class DatadogAgent { public static Fetched<string> FetchLocalToken() => default; }
    public static class Fx { public static ValueTask<Fetched<decimal>> FetchUsdKrw(IServiceProvider services, CancellationToken ct) => default; }
    public static class Config { public static Fetched<Dictionary<string, string>> Load() => default; }
}

namespace Samples
{
    public static class Rates
    {
        public static Fetched<decimal> UsdKrw() => default;
        public static Task<Fetched<decimal?>> EurUsd() => Task.FromResult(default(Fetched<decimal?>));
        public static ValueTask<Fetched<long>> Yearly(CancellationToken ct) => default;
    }
}

namespace Acme.@lazy.Sources
{
    public static class Sources
    {
        public static Fetched<string> @lazy() => default;
        public static Fetched<string> eager() => default;
        public static Fetched<string> @class() => default;
        public static Fetched<string> @default() => default;
        public static Fetched<string> TwoFactor() => default;
    }
}

namespace Samples.Types
{
    public static class TypeSources
    {
        public static Fetched<List<(string key, int count)>> Pairs() => default;
        public static Fetched<int[,][]?> Matrix() => default;
        public static Fetched<Dictionary<string, Dictionary<int, List<string?>>>> Nested() => default;
        public static Fetched<Dictionary<string, int>> SpreadOut() => default;
        public static Fetched<(int, string)?> Tuple() => default;
        public static Fetched<ImmutableArray<byte>> Immutable() => default;
    }
}

public static class KeyVault { public static Task<Fetched<string>> ApiKey(IServiceProvider services, CancellationToken ct) => Task.FromResult(default(Fetched<string>)); }

namespace Samples.Globals
{
    public static class Fx
    {
        public static Fetched<decimal> Load() => default;
        public static Fetched<Uri> @class() => default;
        public static Task<Fetched<Dictionary<string, (Uri uri, int port)>>> ByHost(CancellationToken ct) => Task.FromResult(default(Fetched<Dictionary<string, (Uri uri, int port)>>));
    }
}

namespace Samples.Shapes
{
    // The nine fetch shapes of dsl.md ("Meaning"), one method each.
    public static class ShapeSources
    {
        public static Fetched<int> Sync() => default;
        public static Task<Fetched<int>> TaskOf() => Task.FromResult(default(Fetched<int>));
        public static ValueTask<Fetched<int>> ValueTaskOf() => default;
        public static Fetched<int> SyncCt(CancellationToken ct) => default;
        public static Task<Fetched<int>> TaskCt(CancellationToken ct) => Task.FromResult(default(Fetched<int>));
        public static ValueTask<Fetched<int>> ValueTaskCt(CancellationToken ct) => default;
        public static Fetched<int> SyncServices(IServiceProvider services, CancellationToken ct) => default;
        public static Task<Fetched<int>> TaskServices(IServiceProvider services, CancellationToken ct) => Task.FromResult(default(Fetched<int>));
        public static ValueTask<Fetched<int>> ValueTaskServices(IServiceProvider services, CancellationToken ct) => default;
    }
}

namespace Samples.@class
{
    // A namespace whose name is a C# keyword, for fetch references the generator escapes.
    public static class Holder { public static Fetched<int> Load() => default; }
}
