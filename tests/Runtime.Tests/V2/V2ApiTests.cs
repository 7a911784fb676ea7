using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>The version 2 surface: definitions, the kinds a module checks, every fetch shape, Fetched&lt;T, S&gt;.</summary>
public sealed class V2ApiTests
{
    [Test]
    public void The_version_2_definition_carries_key_and_state()
    {
        var definition = Def(keyType: "Guid", stateType: "OAuthGrant", required: true);

        Assert.That(definition.KeyType, Is.EqualTo("Guid"));
        Assert.That(definition.StateType, Is.EqualTo("OAuthGrant"));
        Assert.That(definition.StateRequired, Is.True);
        Assert.That(definition.IsKeyed, Is.True);
        Assert.That(definition.IsStateful, Is.True);

        var v1 = new ExpirableDefinition("token", "Token", "string", ExpirableScope.Local, RefreshMode.Lazy, null, null, "a.expirables", 1);
        Assert.That((v1.IsKeyed, v1.IsStateful, v1.StateRequired, v1.KeyType, v1.StateType), Is.EqualTo((false, false, false, (string?)null, (string?)null)));
    }

    [Test]
    public void A_required_state_needs_a_state_type()
    {
        var thrown = Assert.Throws<ArgumentException>(() => Def(keyType: null, stateType: null, required: true));
        Assert.That(thrown!.ParamName, Is.EqualTo("stateRequired"));
        Assert.Throws<ArgumentException>(() => Def(keyType: " ", stateType: null, required: false));
    }

    [Test]
    public async Task A_module_refuses_a_definition_created_as_another_kind()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var thrown = Assert.Throws<ArgumentException>(() => _ = new MismatchedModule(runtime));
        Assert.That(thrown!.Message, Does.Contain("is keyed (CreateKeyed); it is created as neither keyed nor stateful (Create)"));
    }

    [Test]
    public async Task Scope_cluster_refuses_a_key_type_the_bucket_cannot_encode_and_local_takes_any()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var thrown = Assert.Throws<ArgumentException>(() => _ = new UriKeyed(runtime, ExpirableScope.Cluster));
        Assert.That(thrown!.Message, Does.Contain("key type System.Uri, which the cluster bucket cannot encode"));

        var local = new UriKeyed(runtime, ExpirableScope.Local);
        Assert.That(await local.ByUri.GetAsync(new Uri("https://a.example/")), Is.EqualTo("https://a.example/"));
    }

    [Test]
    public async Task Every_keyed_fetch_shape_passes_the_key()
    {
        var services = new ServiceCollectionStub();
        var shapes = new[]
        {
            Fetcher.ForKeyed<int, string>((int k) => Fetched.Forever("v" + k)),
            Fetcher.ForKeyed<int, string>((int k) => Task.FromResult(Fetched.Forever("v" + k))),
            Fetcher.ForKeyed<int, string>((int k) => new ValueTask<Fetched<string>>(Fetched.Forever("v" + k))),
            Fetcher.ForKeyed<int, string>((int k, CancellationToken _) => Fetched.Forever("v" + k)),
            Fetcher.ForKeyed<int, string>((int k, CancellationToken _) => Task.FromResult(Fetched.Forever("v" + k))),
            Fetcher.ForKeyed<int, string>((int k, CancellationToken _) => new ValueTask<Fetched<string>>(Fetched.Forever("v" + k))),
            Fetcher.ForKeyed<int, string>((int k, IServiceProvider sp, CancellationToken _) => Fetched.Forever("v" + k + (sp == services ? "sp" : string.Empty))),
            Fetcher.ForKeyed<int, string>((int k, IServiceProvider sp, CancellationToken _) => Task.FromResult(Fetched.Forever("v" + k + (sp == services ? "sp" : string.Empty)))),
            Fetcher.ForKeyed<int, string>((int k, IServiceProvider sp, CancellationToken _) => new ValueTask<Fetched<string>>(Fetched.Forever("v" + k + (sp == services ? "sp" : string.Empty)))),
        };
        for (var i = 0; i < shapes.Length; i++)
        {
            var value = (await shapes[i](7, services, CancellationToken.None)).Value;
            Assert.That(value, Is.EqualTo(i < 6 ? "v7" : "v7sp"), "shape " + i);
        }
    }

    [Test]
    public async Task Every_stateful_fetch_shape_passes_the_state_and_returns_the_next()
    {
        var services = new ServiceCollectionStub();
        var stateful = new[]
        {
            Fetcher.ForStateful<string, int>((int s) => Fetched.Forever("v" + s).WithState(s + 1)),
            Fetcher.ForStateful<string, int>((int s) => Task.FromResult(Fetched.Forever("v" + s).WithState(s + 1))),
            Fetcher.ForStateful<string, int>((int s) => new ValueTask<Fetched<string, int>>(Fetched.Forever("v" + s).WithState(s + 1))),
            Fetcher.ForStateful<string, int>((int s, CancellationToken _) => Fetched.Forever("v" + s).WithState(s + 1)),
            Fetcher.ForStateful<string, int>((int s, CancellationToken _) => Task.FromResult(Fetched.Forever("v" + s).WithState(s + 1))),
            Fetcher.ForStateful<string, int>((int s, CancellationToken _) => new ValueTask<Fetched<string, int>>(Fetched.Forever("v" + s).WithState(s + 1))),
            Fetcher.ForStateful<string, int>((int s, IServiceProvider _, CancellationToken _) => Fetched.Forever("v" + s).WithState(s + 1)),
            Fetcher.ForStateful<string, int>((int s, IServiceProvider _, CancellationToken _) => Task.FromResult(Fetched.Forever("v" + s).WithState(s + 1))),
            Fetcher.ForStateful<string, int>((int s, IServiceProvider _, CancellationToken _) => new ValueTask<Fetched<string, int>>(Fetched.Forever("v" + s).WithState(s + 1))),
        };
        foreach (var shape in stateful)
        {
            var result = await shape(4, services, CancellationToken.None);
            Assert.That((result.Value, result.NextState), Is.EqualTo(("v4", 5)));
        }

        var keyedStateful = new[]
        {
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s) => Fetched.Forever($"{k}:{s}").WithState(s + 1)),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s) => Task.FromResult(Fetched.Forever($"{k}:{s}").WithState(s + 1))),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s) => new ValueTask<Fetched<string, int>>(Fetched.Forever($"{k}:{s}").WithState(s + 1))),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s, CancellationToken _) => Fetched.Forever($"{k}:{s}").WithState(s + 1)),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s, CancellationToken _) => Task.FromResult(Fetched.Forever($"{k}:{s}").WithState(s + 1))),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s, CancellationToken _) => new ValueTask<Fetched<string, int>>(Fetched.Forever($"{k}:{s}").WithState(s + 1))),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s, IServiceProvider _, CancellationToken _) => Fetched.Forever($"{k}:{s}").WithState(s + 1)),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s, IServiceProvider _, CancellationToken _) => Task.FromResult(Fetched.Forever($"{k}:{s}").WithState(s + 1))),
            Fetcher.ForKeyedStateful<int, string, int>((int k, int s, IServiceProvider _, CancellationToken _) => new ValueTask<Fetched<string, int>>(Fetched.Forever($"{k}:{s}").WithState(s + 1))),
        };
        foreach (var shape in keyedStateful)
        {
            var result = await shape(3, 4, services, CancellationToken.None);
            Assert.That((result.Value, result.NextState), Is.EqualTo(("3:4", 5)));
        }
    }

    [Test]
    public void A_null_task_from_a_stateful_fetch_is_a_clear_error()
    {
        var shape = Fetcher.ForStateful<string, int>((int _) => (Task<Fetched<string, int>>)null!);
        var thrown = Assert.Throws<InvalidOperationException>(() => shape(0, new ServiceCollectionStub(), CancellationToken.None).AsTask());
        Assert.That(thrown!.Message, Does.Contain("null task"));
    }

    [Test]
    public void Fetched_with_state_passes_the_outcome_through()
    {
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var ok = Fetched.Ok("v", at).WithState("next");
        Assert.That((ok.IsOk, ok.Value, ok.ExpiresAt, ok.Failure, ok.NextState), Is.EqualTo((true, "v", (DateTimeOffset?)at, FetchFailure.None, "next")));

        var failed = Fetched.Failed<string>("why").WithState(3);
        Assert.That((failed.IsOk, failed.Error, failed.Failure, failed.NextState), Is.EqualTo((false, "why", FetchFailure.Failed, 3)));
        Assert.That(failed.ToString(), Is.EqualTo("Failed: why"));
        Assert.That(Fetched.Forever("v").WithState(1), Is.EqualTo(Fetched.Forever("v").WithState(1)));
        Assert.That(Fetched.Forever("v").WithState(1), Is.Not.EqualTo(Fetched.Forever("v").WithState(2)));
    }

    private static ExpirableDefinition Def(string? keyType, string? stateType, bool required) =>
        new("tenant_oauth", "TenantOauth", "AccessToken", keyType, stateType, required, ExpirableScope.Cluster, RefreshMode.Lazy, null, null, "a.expirables", 3);

    private sealed class ServiceCollectionStub : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class MismatchedModule : ExpirableModule
    {
        private static readonly ExpirableDefinition Keyed =
            new("tenant", "Tenant", "string", "string", null, false, ExpirableScope.Local, RefreshMode.Lazy, null, null, "a.expirables", 1);

        public MismatchedModule(ExpirableRuntime runtime)
            : base(runtime, "Mismatched", [Keyed]) =>
            Create(Keyed, Fetcher.For<string>(() => Fetched.Forever("x")));
    }

    private sealed class UriKeyed : ExpirableModule
    {
        public UriKeyed(ExpirableRuntime runtime, ExpirableScope scope)
            : this(runtime, new ExpirableDefinition("by_uri", "ByUri", "string", "Uri", null, false, scope, RefreshMode.Lazy, null, null, "a.expirables", 1))
        {
        }

        private UriKeyed(ExpirableRuntime runtime, ExpirableDefinition definition)
            : base(runtime, "UriKeyed" + definition.Scope, [definition]) =>
            ByUri = CreateKeyed(definition, Fetcher.ForKeyed<Uri, string>((Uri u) => Fetched.Forever(u.ToString())));

        public KeyedExpirable<Uri, string> ByUri { get; } = null!;
    }
}
