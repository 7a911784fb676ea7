using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Runtime.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace ExpirableStore.Runtime.Tests;

/// <summary>Modules as a whole: one constructed twice on a runtime, and the name-based members.</summary>
public sealed class ModuleTests : RuntimeTestBase
{
    [Test]
    public async Task A_module_constructed_twice_on_oneRuntime_shares_its_values_and_clears()
    {
        var def = Def("twice", scope: ExpirableScope.Cluster);
        var calls = 0;
        Func<IServiceProvider, CancellationToken, ValueTask<Fetched<int>>> fetch = (_, _) =>
            new ValueTask<Fetched<int>>(Fetched.Forever(Interlocked.Increment(ref calls)));
        var moduleA = new InlineModule(Runtime, def);
        var a = moduleA.Add(def, fetch);
        var moduleB = new InlineModule(Runtime, def);
        var b = moduleB.Add(def, fetch);

        Assert.That(await a.GetAsync(), Is.EqualTo(1));
        Assert.That(await b.GetAsync(), Is.EqualTo(1), "one key, one cached value");
        await moduleB.ClearAllAsync();
        Assert.That(await a.GetAsync(), Is.EqualTo(2), "a clear through one instance clears the other");
        Assert.That(await moduleB.GetAsync<int>("twice"), Is.EqualTo(2));

        // Another declaration under the same key is refused with a clear error.
        var other = Def("twice");
        var thrown = Assert.Throws<ArgumentException>(() => new InlineModule(Runtime, other).Add(other, fetch));
        Assert.That(thrown!.Message, Does.Contain("Inline.Module.twice"));
    }

    [Test]
    public async Task Name_based_members_reject_unknown_names_and_wrong_types_with_argument_errors()
    {
        var def = Def("named");
        var module = new InlineModule(Runtime, def);
        module.Add(def, (_, _) => new ValueTask<Fetched<int>>(Fetched.Forever(7)));

        await Assert.ThrowsAsync<ArgumentException>(async () => await module.FetchAsync("nope"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await module.GetAsync<int>("nope"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await module.ClearAsync("nope"));
        var wrong = await Assert.ThrowsAsync<ArgumentException>(async () => await module.FetchAsync<string>("named"));
        Assert.That(wrong!.Message, Does.Contain("Int32").Or.Contain("String"));
        Assert.That(await module.GetAsync<int>("named"), Is.EqualTo(7));
        Assert.That(await module.GetAsync("named"), Is.EqualTo(7));
    }
}
