using System;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

public sealed class FetcherShapeTests
{
    [Test]
    public async Task Every_fetch_shape_works_without_a_container()
    {
        await using var runtime = ExpirableRuntime.InMemory();
        var shapes = new Shapes(runtime);

        Assert.That(await shapes.Sync.GetAsync(), Is.EqualTo("sync"));
        Assert.That(await shapes.Task.GetAsync(), Is.EqualTo("task"));
        Assert.That(await shapes.ValueTask.GetAsync(), Is.EqualTo("value_task"));
        Assert.That(await shapes.SyncCt.GetAsync(), Is.EqualTo("sync_ct:True"));
        Assert.That(await shapes.TaskCt.GetAsync(), Is.EqualTo("task_ct:True"));
        Assert.That(await shapes.ValueTaskCt.GetAsync(), Is.EqualTo("value_task_ct:True"));
        Assert.That(await shapes.SyncSp.GetAsync(), Is.EqualTo("sync_sp:no services"));
        Assert.That(await shapes.TaskSp.GetAsync(), Is.EqualTo("task_sp:no services"));
        Assert.That(await shapes.ValueTaskSp.GetAsync(), Is.EqualTo("value_task_sp:no services"));
    }

    [Test]
    public async Task Service_provider_fetchers_get_the_container_through_dependency_injection()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(new Greeting("hello from DI"));
        services.AddExpirableStore(o => o.DefaultFetchTimeout = TimeSpan.FromSeconds(3)).AddExpirables<Shapes>();

        await using var provider = services.BuildServiceProvider();
        var shapes = provider.GetRequiredService<Shapes>();
        var runtime = provider.GetRequiredService<ExpirableRuntime>();

        Assert.That(provider.GetRequiredService<Shapes>(), Is.SameAs(shapes));
        Assert.That(runtime.TimeProvider, Is.SameAs(time));
        Assert.That(runtime.Options.DefaultFetchTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
        await runtime.WaitUntilReadyAsync();
        Assert.That(await shapes.SyncSp.GetAsync(), Is.EqualTo("sync_sp:hello from DI"));
        Assert.That(await shapes.TaskSp.GetAsync(), Is.EqualTo("task_sp:hello from DI"));
        Assert.That(await shapes.ValueTaskSp.GetAsync(), Is.EqualTo("value_task_sp:hello from DI"));
        Assert.That(await shapes.FetchAsync<string>("sync"), Has.Property("Value").EqualTo("sync"));
    }

    [Test]
    public async Task A_synchronously_disposed_container_disposes_the_runtime_too()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddExpirableStore().AddExpirables<TestExpirables>();
        TestSources.Backend = new FakeBackend(time);
        TestSources.Time = time;
        var provider = services.BuildServiceProvider();
        var module = provider.GetRequiredService<TestExpirables>();
        await module.LocalEager.GetAsync();

        provider.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.That(TestSources.Backend.Calls("local_eager"), Is.EqualTo(1), "the eager timer was stopped");
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await module.LocalEager.FetchAsync());
    }

    [Test]
    public async Task The_container_disposes_the_runtime()
    {
        var services = new ServiceCollection();
        services.AddExpirableStore().AddExpirables<Shapes>();
        var provider = services.BuildServiceProvider();
        var shapes = provider.GetRequiredService<Shapes>();
        await shapes.Sync.GetAsync();

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await shapes.Sync.FetchAsync());
    }
}
