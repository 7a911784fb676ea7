using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>What the name-based members of <see cref="ExpirableModule"/> need from an <see cref="Expirable{T}"/> of any T.</summary>
internal interface IUntypedExpirable
{
    IExpirableSlot Slot { get; }

    ValueTask<Fetched<object?>> FetchBoxedAsync(CancellationToken cancellationToken);

    ValueTask<object?> GetBoxedAsync(CancellationToken cancellationToken);

    ValueTask ClearAsync(CancellationToken cancellationToken);

    void ClearLocal();

    ValueTask<bool> InvalidateBoxedAsync(object? staleValue, CancellationToken cancellationToken);
}
