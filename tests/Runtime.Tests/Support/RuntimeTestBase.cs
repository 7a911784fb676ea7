using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.Support;

public abstract class RuntimeTestBase
{
    protected static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>How long a test waits for what must happen before it counts as hung.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected FakeBackend Backend { get; private set; } = null!;

    protected ExpirableRuntime Runtime { get; private set; } = null!;

    protected TestExpirables Module { get; private set; } = null!;

    public static IEnumerable<TestCaseData> ScopesAndModes()
    {
        foreach (var scope in new[] { ExpirableScope.Local, ExpirableScope.Cluster })
        {
            foreach (var mode in new[] { RefreshMode.Lazy, RefreshMode.Eager })
            {
                yield return new TestCaseData(scope, mode).SetArgDisplayNames(scope.ToString(), mode.ToString());
            }
        }
    }

    public static IEnumerable<TestCaseData> Scopes()
    {
        yield return new TestCaseData(ExpirableScope.Local).SetArgDisplayNames("Local");
        yield return new TestCaseData(ExpirableScope.Cluster).SetArgDisplayNames("Cluster");
    }

    [SetUp]
    public void SetUpRuntime()
    {
        Time = new FakeTimeProvider(Start);
        Backend = new FakeBackend(Time);
        TestSources.Backend = Backend;
        TestSources.Time = Time;
        Runtime = CreateRuntime();
        Module = new TestExpirables(Runtime);
    }

    [TearDown]
    public async Task TearDownRuntime() => await Runtime.DisposeAsync();

    protected virtual ExpirableRuntime CreateRuntime() => ExpirableRuntime.InMemory(Time);

    protected Expirable<string> Pick(ExpirableScope scope, RefreshMode mode) => (scope, mode) switch
    {
        (ExpirableScope.Local, RefreshMode.Lazy) => Module.LocalLazy,
        (ExpirableScope.Local, RefreshMode.Eager) => Module.LocalEager,
        (ExpirableScope.Cluster, RefreshMode.Lazy) => Module.ClusterLazy,
        _ => Module.ClusterEager,
    };

    /// <summary>Waits for the background or shared fetch running now (if any) to finish and store its outcome.</summary>
    protected static Task Idle<T>(Expirable<T> expirable) => expirable.Core.WhenIdleAsync();

    /// <summary>A definition for <see cref="InlineModule"/>: local and lazy unless said otherwise.</summary>
    protected static ExpirableDefinition Def(
        string name,
        RefreshMode refresh = RefreshMode.Lazy,
        TimeSpan? eagerBefore = null,
        TimeSpan? timeout = null,
        ExpirableScope scope = ExpirableScope.Local) =>
        new(name, name, "T", scope, refresh, eagerBefore, timeout, "Inline.expirables", 1);

    protected static TaskCompletionSource<T> NewSource<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
