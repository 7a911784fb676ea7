using System;
using System.Threading;
using System.Threading.Tasks;

namespace ExpirableStore.Internal;

/// <summary>
/// The stateful half of a core: the state the next fetch receives. Every change bumps a version; a fetch
/// stores its next state only over the version it started from, so a put, an update or a clear that
/// happened while it ran is never overwritten by a state computed from what they replaced.
/// </summary>
internal sealed partial class ExpirableCore<T>
{
    private readonly StatefulFetch<T>? _stateful;
    private object? _state;
    private bool _hasState;
    private long _stateVersion;

    /// <summary>Whether the fetch takes and returns a state.</summary>
    public bool IsStateful => _stateful is not null;

    /// <summary>The state now, if any (a key leaving memory parks it; tests).</summary>
    public StateSnapshot? State
    {
        get
        {
            lock (_gate)
            {
                return _hasState ? new StateSnapshot(_state) : null;
            }
        }
    }

    /// <summary>
    /// Transforms the state (the default when there is none). <paramref name="update"/> runs outside the gate
    /// and again when the state changed meanwhile, so it must be pure. False when this key left memory.
    /// </summary>
    public bool TryUpdateState(Func<bool, object?, object?> update)
    {
        while (true)
        {
            bool has;
            object? current;
            long version;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_shutDown, typeof(ExpirableRuntime));
                if (_evicted)
                {
                    return false;
                }

                (has, current, version) = (_hasState, _state, _stateVersion);
            }

            var next = update(has, current);
            lock (_gate)
            {
                if (_stateVersion == version && !_evicted)
                {
                    SetStateLocked(next);
                    return true;
                }
            }
        }
    }

    public StatefulFetch<T>? Stateful => _stateful;

    public void ApplyStoreState(StateSnapshot? state)
    {
        lock (_gate)
        {
            if (_shutDown || _evicted || _stateful is null)
            {
                return;
            }

            if (state is { } kept)
            {
                SetStateLocked(kept.Value);
            }
            else
            {
                ResetStateLocked();
            }
        }
    }

    public void ApplyValueRemoval()
    {
        lock (_gate)
        {
            DropLocked();
        }
    }

    /// <summary>
    /// A put or an update: written to the store first when it keeps states (cluster: a compare-and-set every
    /// process sees), then here. False when this key left memory (the caller goes to the key's next core).
    /// </summary>
    public async ValueTask<bool> TryWriteStateAsync(Func<bool, object?, object?> update, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_shutDown, typeof(ExpirableRuntime));
            if (_evicted)
            {
                return false;
            }
        }

        await _runtime.WaitUntilStoreReadyAsync(_store, cancellationToken).ConfigureAwait(false);
        var written = await _store.WriteStateAsync(this, update, cancellationToken).ConfigureAwait(false);
        if (!written.Stored)
        {
            return TryUpdateState(update);
        }

        ApplyStoreState(new StateSnapshot(written.State));
        return true;
    }

    /// <summary>Whether an access must fail with <see cref="FetchFailure.StateRequired"/> now.</summary>
    private bool StateMissingLocked() => _stateful is { Required: true } && !_hasState;

    private void SetStateLocked(object? state)
    {
        _state = state;
        _hasState = true;
        _stateVersion++;
    }

    private void ResetStateLocked()
    {
        if (_stateful is null)
        {
            return;
        }

        _state = null;
        _hasState = false;
        _stateVersion++;
    }

    /// <summary>
    /// One call of the stateful fetch method: receives the state now, stores the next state it returns (on a
    /// failure too) unless the state changed while it ran. A fetch method that throws leaves the state as it was.
    /// </summary>
    private async Task<Fetched<T>> InvokeStatefulAsync(FetchRun run, IServiceProvider services, CancellationToken cancellationToken)
    {
        object? state;
        long version;
        lock (_gate)
        {
            if (StateMissingLocked())
            {
                return Fetched.StateRequired<T>(Definition.Name);
            }

            (state, version) = (_state, _stateVersion);
        }

        var (outcome, next) = await _stateful!.InvokeAsync(state, services, cancellationToken).ConfigureAwait(false);
        run.NextState = new StateSnapshot(next);
        lock (_gate)
        {
            if (_stateVersion == version && !_shutDown)
            {
                SetStateLocked(next);
            }
            else
            {
                Log.NextStateSuperseded(_logger, Key);
            }
        }

        return outcome;
    }
}

/// <summary>A state held outside a core: parked while its key is out of memory.</summary>
internal readonly record struct StateSnapshot(object? Value);

/// <summary>A stateful fetch method with its state type erased, so the core stays generic in the value type only.</summary>
internal abstract class StatefulFetch<T>(bool required)
{
    /// <summary>Whether an access without a state fails with <see cref="FetchFailure.StateRequired"/>.</summary>
    public bool Required { get; } = required;

    public abstract Type StateType { get; }

    public abstract ValueTask<(Fetched<T> Outcome, object? NextState)> InvokeAsync(object? state, IServiceProvider services, CancellationToken cancellationToken);

    public abstract byte[] Serialize(IExpirableValueSerializer serializer, object? state);

    public abstract object? Deserialize(IExpirableValueSerializer serializer, byte[] data);
}

/// <inheritdoc/>
internal sealed class StatefulFetch<T, S>(Func<S, IServiceProvider, CancellationToken, ValueTask<Fetched<T, S>>> fetch, bool required) : StatefulFetch<T>(required)
{
    public override Type StateType => typeof(S);

    public override async ValueTask<(Fetched<T> Outcome, object? NextState)> InvokeAsync(object? state, IServiceProvider services, CancellationToken cancellationToken)
    {
        var result = await fetch(state is S typed ? typed : default!, services, cancellationToken).ConfigureAwait(false);
        return (result.Outcome, result.NextState);
    }

    public override byte[] Serialize(IExpirableValueSerializer serializer, object? state) =>
        serializer.Serialize(state is S typed ? typed : default!);

    public override object? Deserialize(IExpirableValueSerializer serializer, byte[] data) => serializer.Deserialize<S>(data);
}
