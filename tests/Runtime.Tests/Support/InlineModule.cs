using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Runtime.Tests.Support;

/// <summary>
/// A module whose expirables a test adds one by one with fetchers given inline, for the cases a
/// .expirables file cannot state (definitions the compiler would reject, fetchers that close over
/// the test's own state).
/// </summary>
public sealed class InlineModule : ExpirableModule
{
    public InlineModule(ExpirableRuntime runtime, params ExpirableDefinition[] definitions)
        : base(runtime, "Inline.Module", definitions)
    {
    }

    public Expirable<T> Add<T>(ExpirableDefinition definition, Func<IServiceProvider, CancellationToken, ValueTask<Fetched<T>>> fetch) =>
        Create(definition, fetch);
}
