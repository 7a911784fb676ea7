using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests.V2;

/// <summary>A runtime on a fake clock with the <see cref="V2Expirables"/> module (cluster scope runs in-process here).</summary>
public abstract class V2TestBase
{
    protected static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    protected static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected ExpirableRuntime Runtime { get; private set; } = null!;

    protected V2Expirables Module { get; private set; } = null!;

    [SetUp]
    public void SetUpV2()
    {
        Time = new FakeTimeProvider(Start);
        V2Sources.Reset();
        V2Sources.Time = Time;
        Runtime = ExpirableRuntime.Start(new ExpirableRuntimeOptions { TimeProvider = Time, KeyIdleTimeout = IdleTimeout });
        Module = new V2Expirables(Runtime);
    }

    [TearDown]
    public async Task TearDownV2()
    {
        await Runtime.DisposeAsync();
        V2Sources.Reset();
    }

    protected static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
