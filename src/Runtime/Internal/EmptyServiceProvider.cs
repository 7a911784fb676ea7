using System;

namespace ExpirableStore.Internal;

/// <summary>Handed to (IServiceProvider, CancellationToken) fetchers when the runtime was built without a container.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
