using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Cluster.Tests.Nodes;

/// <summary>A module of many cluster-scoped expirables (k000, k001, ...), shaped like a generated class, for load and scale tests.</summary>
internal sealed class ManyKeys : ExpirableModule
{
    public ManyKeys(ExpirableRuntime runtime, string moduleName, int count, Func<int, CancellationToken, Task<Fetched<string>>> fetch, TimeSpan? eagerBefore = null)
        : this(runtime, moduleName, DefinitionsFor(count, eagerBefore), fetch)
    {
    }

    private ManyKeys(ExpirableRuntime runtime, string moduleName, ExpirableDefinition[] definitions, Func<int, CancellationToken, Task<Fetched<string>>> fetch)
        : base(runtime, moduleName, definitions)
    {
        Keys = definitions.Select((definition, i) => Create(definition, Fetcher.For<string>(ct => fetch(i, ct)))).ToArray();
    }

    public IReadOnlyList<Expirable<string>> Keys { get; }

    public static string Name(int index) => "k" + index.ToString("D4", CultureInfo.InvariantCulture);

    private static ExpirableDefinition[] DefinitionsFor(int count, TimeSpan? eagerBefore) =>
        Enumerable.Range(0, count).Select(i => new ExpirableDefinition(
            Name(i), "K" + i.ToString(CultureInfo.InvariantCulture), "string", ExpirableScope.Cluster,
            eagerBefore is null ? RefreshMode.Lazy : RefreshMode.Eager, eagerBefore, null, "ManyKeys.expirables", i + 1)).ToArray();
}
