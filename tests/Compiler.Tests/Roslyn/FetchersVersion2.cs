// Fetch methods of the version 2 golden samples (keyed, stateful, keyed + stateful), and the
// fetch shapes of dsl.md "Version 2" one method each.
#nullable enable
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore;

namespace key
{
    public sealed class state { }
}

namespace Samples.Tenants
{
    public sealed class PartnerGrant { }
    public sealed class RefreshToken { }
    public sealed class OAuthGrant { }
    public sealed class AccessToken { }

    public static class Tenants
    {
        public static Task<Fetched<string>> FetchApiKey(string tenant, CancellationToken ct) => Task.FromResult(default(Fetched<string>));
        public static ValueTask<Fetched<AccessToken, OAuthGrant>> Refresh(Guid tenant, OAuthGrant grant, IServiceProvider services, CancellationToken ct) => default;
    }

    public static class Partner { public static Fetched<string, PartnerGrant> Refresh(PartnerGrant grant) => default; }
    public static class Crm { public static Task<Fetched<string, RefreshToken>> Refresh(RefreshToken token, CancellationToken ct) => Task.FromResult(default(Fetched<string, RefreshToken>)); }
    public static class Rates { public static Fetched<Dictionary<string, decimal>, List<string>?> ByRegion((string region, int year) key, List<string>? seen) => default; }

    public static class Words
    {
        public static Fetched<string, key.state> required(int key, key.state state) => default;
        public static Fetched<key.state> state() => default;
    }
}

namespace Samples.Shapes2
{
    public sealed class Grant { }

    // The fetch shapes of dsl.md "Version 2": for each kind, three parameter lists by three return types.
    public static class KeyedSources
    {
        public static Fetched<int> Sync(string key) => default;
        public static Task<Fetched<int>> TaskOf(string key) => Task.FromResult(default(Fetched<int>));
        public static ValueTask<Fetched<int>> ValueTaskOf(string key) => default;
        public static Fetched<int> SyncCt(string key, CancellationToken ct) => default;
        public static Task<Fetched<int>> TaskCt(string key, CancellationToken ct) => Task.FromResult(default(Fetched<int>));
        public static ValueTask<Fetched<int>> ValueTaskCt(string key, CancellationToken ct) => default;
        public static Fetched<int> SyncServices(string key, IServiceProvider services, CancellationToken ct) => default;
        public static Task<Fetched<int>> TaskServices(string key, IServiceProvider services, CancellationToken ct) => Task.FromResult(default(Fetched<int>));
        public static ValueTask<Fetched<int>> ValueTaskServices(string key, IServiceProvider services, CancellationToken ct) => default;
    }

    public static class StatefulSources
    {
        public static Fetched<int, Grant?> Sync(Grant? state) => default;
        public static Task<Fetched<int, Grant?>> TaskOf(Grant? state) => Task.FromResult(default(Fetched<int, Grant?>));
        public static ValueTask<Fetched<int, Grant?>> ValueTaskOf(Grant? state) => default;
        public static Fetched<int, Grant?> SyncCt(Grant? state, CancellationToken ct) => default;
        public static Task<Fetched<int, Grant?>> TaskCt(Grant? state, CancellationToken ct) => Task.FromResult(default(Fetched<int, Grant?>));
        public static ValueTask<Fetched<int, Grant?>> ValueTaskCt(Grant? state, CancellationToken ct) => default;
        public static Fetched<int, Grant?> SyncServices(Grant? state, IServiceProvider services, CancellationToken ct) => default;
        public static Task<Fetched<int, Grant?>> TaskServices(Grant? state, IServiceProvider services, CancellationToken ct) => Task.FromResult(default(Fetched<int, Grant?>));
        public static ValueTask<Fetched<int, Grant?>> ValueTaskServices(Grant? state, IServiceProvider services, CancellationToken ct) => default;
    }

    public static class KeyedStatefulSources
    {
        public static Fetched<int, Grant?> Sync(Guid key, Grant? state) => default;
        public static Task<Fetched<int, Grant?>> TaskOf(Guid key, Grant? state) => Task.FromResult(default(Fetched<int, Grant?>));
        public static ValueTask<Fetched<int, Grant?>> ValueTaskOf(Guid key, Grant? state) => default;
        public static Fetched<int, Grant?> SyncCt(Guid key, Grant? state, CancellationToken ct) => default;
        public static Task<Fetched<int, Grant?>> TaskCt(Guid key, Grant? state, CancellationToken ct) => Task.FromResult(default(Fetched<int, Grant?>));
        public static ValueTask<Fetched<int, Grant?>> ValueTaskCt(Guid key, Grant? state, CancellationToken ct) => default;
        public static Fetched<int, Grant?> SyncServices(Guid key, Grant? state, IServiceProvider services, CancellationToken ct) => default;
        public static Task<Fetched<int, Grant?>> TaskServices(Guid key, Grant? state, IServiceProvider services, CancellationToken ct) => Task.FromResult(default(Fetched<int, Grant?>));
        public static ValueTask<Fetched<int, Grant?>> ValueTaskServices(Guid key, Grant? state, IServiceProvider services, CancellationToken ct) => default;
    }
}
