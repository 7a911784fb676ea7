using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>
/// The store of scope local, and of scope cluster without NATS. The replica in each expirable's core
/// is the only copy and the core's single flight is the only coordination needed, so a refresh is just
/// this process calling the fetcher, and values stay typed (never serialized).
/// </summary>
internal sealed class InProcessExpirableStore : IExpirableStore
{
    public ValueTask StartAsync(CancellationToken cancellationToken) => default;

    public void Attach<T>(IExpirableSlot<T> slot)
    {
    }

    public async ValueTask<StoreFetch<T>> RefreshAsync<T>(IExpirableSlot<T> slot, RefreshReason reason, CancellationToken cancellationToken)
    {
        var run = await slot.InvokeFetcherAsync(cancellationToken).ConfigureAwait(false);
        return new StoreFetch<T>(run.Outcome, Origin: null, Late: run.StillRunning);
    }

    public ValueTask ClearAsync(IExpirableSlot slot, CancellationToken cancellationToken) => default;

    // The core compared the value and dropped the only copy.
    public ValueTask<bool> InvalidateAsync(IExpirableSlot slot, object? origin, CancellationToken cancellationToken) => new(true);

    public ValueTask ClearAllAsync(string keyPrefix, IReadOnlyList<IExpirableSlot> slots, CancellationToken cancellationToken) => default;

    public ValueTask DisposeAsync() => default;
}
