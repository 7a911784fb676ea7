using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ExpirableStore.Internal;

namespace ExpirableStore.Runtime.Tests.Support;

/// <summary>A cluster store that shares nothing: it only calls the fetcher, as a bucket's lease winner would.</summary>
internal sealed class PassThroughStore : IExpirableStore
{
    public ValueTask StartAsync(CancellationToken cancellationToken) => default;

    public void Attach<T>(IExpirableSlot<T> slot)
    {
    }

    public async ValueTask<StoreFetch<T>> RefreshAsync<T>(IExpirableSlot<T> slot, RefreshReason reason, CancellationToken cancellationToken)
    {
        var run = await slot.InvokeFetcherAsync(cancellationToken);
        return new StoreFetch<T>(run.Outcome, Origin: null, run.StillRunning);
    }

    public ValueTask ClearAsync(IExpirableSlot slot, CancellationToken cancellationToken) => default;

    public ValueTask<bool> InvalidateAsync(IExpirableSlot slot, object? origin, CancellationToken cancellationToken) => new(true);

    public ValueTask ClearAllAsync(string keyPrefix, IReadOnlyList<IExpirableSlot> slots, CancellationToken cancellationToken) => default;

    public ValueTask DisposeAsync() => default;
}
