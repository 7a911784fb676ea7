using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// The store of scope cluster when <see cref="ExpirableRuntimeOptions.NatsUrl"/> is set: adapts the
/// byte-level <see cref="ClusterStore"/> protocol to typed slots. Values are serialized with
/// <see cref="ExpirableRuntimeOptions.ValueSerializer"/>; the watcher pushes every change into the
/// slots (so other processes' eager timers re-arm from the values they receive).
/// </summary>
internal sealed class NatsExpirableStore : IExpirableStore
{
    private readonly ExpirableRuntime _runtime;
    private readonly IExpirableValueSerializer _serializer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Binding> _bindings = new(StringComparer.Ordinal);
    private ClusterStore? _store;

    public NatsExpirableStore(ExpirableRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtime = runtime;
        _serializer = runtime.Options.ValueSerializer;
        Options = MapOptions(runtime.Options, runtime.TimeProvider);
        _logger = Options.LoggerFactory.CreateLogger("ExpirableStore.Cluster");
    }

    public ClusterStoreOptions Options { get; }

    /// <summary>The protocol underneath (tests and diagnostics); null until started.</summary>
    public ClusterStore? Cluster => Volatile.Read(ref _store);

    public static ClusterStoreOptions MapOptions(ExpirableRuntimeOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ClusterStoreOptions
        {
            Url = options.NatsUrl ?? throw new ArgumentException("NatsUrl is required for the NATS store.", nameof(options)),
            Bucket = options.Bucket,
            Replicas = options.Replicas,
            LeaseDuration = options.LeaseDuration,
            CallTimeout = options.NatsCallTimeout,
            ConnectTimeout = options.NatsCallTimeout * 2 > TimeSpan.FromSeconds(10) ? options.NatsCallTimeout * 2 : TimeSpan.FromSeconds(10),
            FetchLocallyWhenDisconnected = options.WhenClusterUnreachable == ClusterUnreachableFetchMode.FetchLocally,
            Username = options.User,
            Password = options.Password,
            Token = options.Token,
            NKeySeed = options.NKeySeed,
            CredsFile = options.CredentialsFile,
            TlsRequired = options.UseTls || options.NatsUrl.StartsWith("tls://", StringComparison.OrdinalIgnoreCase),
            TlsCaFile = options.TlsCaFile,
            TlsCertFile = options.TlsCertFile,
            TlsKeyFile = options.TlsKeyFile,
            EncryptionKeys = options.EncryptionKey is { } key ? [key] : null,
            LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance,
            TimeProvider = time,
        };
    }

    /// <summary>
    /// The bucket key of an expirable: its <c>"&lt;moduleName&gt;.&lt;name&gt;"</c> with every character
    /// NATS does not allow in a key (anything but letters, digits and <c>-/_.</c>) written as <c>=XXXX</c>.
    /// </summary>
    public static string BucketKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.All(IsAllowed))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length + 8);
        foreach (var c in key)
        {
            if (IsAllowed(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('=').Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();

        static bool IsAllowed(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '/' or '_' or '.';
    }

    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        var store = await ClusterStore.ConnectAsync(Options, cancellationToken).ConfigureAwait(false);
        store.Replicas.Changed += OnReplicaChanged;
        Volatile.Write(ref _store, store);

        // Slots attached before the snapshot arrived get its values now.
        foreach (var binding in _bindings.Values)
        {
            binding.Push(store.Replicas.Get(binding.BucketKey));
        }
    }

    public void Attach<T>(IExpirableSlot<T> slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var binding = new Binding<T>(this, slot, BucketKey(slot.Key));
        _bindings[binding.BucketKey] = binding;
        if (Cluster is { } store)
        {
            binding.Push(store.Replicas.Get(binding.BucketKey));
        }
    }

    public async ValueTask<StoreFetch<T>> RefreshAsync<T>(IExpirableSlot<T> slot, RefreshReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var store = Cluster ?? throw new InvalidOperationException("The NATS store has not started.");
        var key = BucketKey(slot.Key);
        var refreshAhead = reason == RefreshReason.Eager ? slot.Definition.EagerBefore ?? TimeSpan.Zero : TimeSpan.Zero;
        var result = await store.FetchAsync(
            key,
            refreshAhead,
            async ct =>
            {
                var run = await slot.InvokeFetcherAsync(ct).ConfigureAwait(false);
                var fetched = run.Outcome;
                if (!fetched.IsOk)
                {
                    return ClusterFetchOutcome.Failed(fetched.Error ?? "the fetch failed", run);
                }

                byte[] data;
                try
                {
                    data = _serializer.Serialize(fetched.Value);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // This process's callers still get the value; it is just not shared.
                    return ClusterFetchOutcome.Failed($"the value of '{slot.Key}' could not be serialized ({ex.GetType().Name})", run);
                }

                return ClusterFetchOutcome.Success(data, fetched.ExpiresAt, run);
            },
            cancellationToken).ConfigureAwait(false);

        switch (result.Source)
        {
            case ClusterFetchSource.FetchedHere:
                var run = (FetcherRun<T>)result.Outcome!.State!;
                object? origin = null;
                if (result.Stored && _bindings.TryGetValue(key, out var own))
                {
                    var stored = store.Replicas.Get(key).Envelope;
                    own.MarkApplied(stored);
                    origin = Binding.Identity(stored);
                }

                return new StoreFetch<T>(run.Outcome, origin, run.StillRunning);
            case ClusterFetchSource.Bucket:
                if (TryDeserialize(slot, result.Envelope!, out Fetched<T> fromBucket))
                {
                    if (_bindings.TryGetValue(key, out var binding))
                    {
                        binding.MarkApplied(result.Envelope);
                    }

                    return new StoreFetch<T>(fromBucket, Binding.Identity(result.Envelope));
                }

                // Unreadable as T (e.g. the type changed in a new release): fetch here, uncoordinated.
                var local = await slot.InvokeFetcherAsync(cancellationToken).ConfigureAwait(false);
                return new StoreFetch<T>(local.Outcome, Origin: null, local.StillRunning);
            default:
                return new StoreFetch<T>(Fetched.Failed<T>(result.Failure ?? "the cluster fetch failed"));
        }
    }

    public async ValueTask ClearAsync(IExpirableSlot slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (Cluster is { } store)
        {
            var key = BucketKey(slot.Key);
            if (_bindings.TryGetValue(key, out var binding))
            {
                binding.MarkRemoved(); // the core has dropped the replica already
            }

            await store.ClearAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<bool> InvalidateAsync(IExpirableSlot slot, object? origin, CancellationToken cancellationToken)
    {
        await ClearAsync(slot, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask ClearAllAsync(string keyPrefix, IReadOnlyList<IExpirableSlot> slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (Cluster is { } store)
        {
            var keys = slots.Select(s => BucketKey(s.Key)).ToList();
            foreach (var key in keys)
            {
                if (_bindings.TryGetValue(key, out var binding))
                {
                    binding.MarkRemoved();
                }
            }

            await store.ClearAllAsync(BucketKey(keyPrefix), keys, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _store, null) is { } store)
        {
            store.Replicas.Changed -= OnReplicaChanged;
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops the connection without releasing anything, as a process that dies would (tests).</summary>
    internal async ValueTask AbandonAsync()
    {
        if (Interlocked.Exchange(ref _store, null) is { } store)
        {
            store.Replicas.Changed -= OnReplicaChanged;
            await store.AbandonAsync().ConfigureAwait(false);
        }
    }

    private void OnReplicaChanged(ReplicaState state)
    {
        if (_bindings.TryGetValue(state.Key, out var binding))
        {
            binding.Push(state);
        }
    }

    private bool TryDeserialize<T>(IExpirableSlot<T> slot, ClusterEnvelope envelope, out Fetched<T> fetched)
    {
        try
        {
            var value = _serializer.Deserialize<T>(envelope.Data);
            fetched = envelope.ExpiresAt is { } expiresAt ? Fetched.Ok(value, expiresAt) : Fetched.Forever(value);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.UndeserializableValue(_logger, slot.Key, slot.ValueType.Name, ex.GetType().Name);
            fetched = default;
            return false;
        }
    }

    private abstract class Binding(string bucketKey)
    {
        private object? _lastApplied;
        private volatile bool _removed;

        public string BucketKey { get; } = bucketKey;

        /// <summary>Forwards a replica change to the slot: a new value, or a deletion.</summary>
        public abstract void Push(ReplicaState state);

        public void MarkApplied(ClusterEnvelope? envelope)
        {
            Volatile.Write(ref _lastApplied, Identity(envelope));
            _removed = false;
        }

        public void MarkRemoved()
        {
            Volatile.Write(ref _lastApplied, null);
            _removed = true;
        }

        /// <summary>True when a deletion must be forwarded (the slot does not know yet).</summary>
        protected bool IsNewRemoval()
        {
            Volatile.Write(ref _lastApplied, null);
            if (_removed)
            {
                return false;
            }

            _removed = true;
            return true;
        }

        /// <summary>
        /// True the first time a given value (by who fetched it when) is seen: lease renewals and the
        /// echo of this process's own write carry the same value and must not re-install it (that
        /// would re-arm eager timers).
        /// </summary>
        protected bool IsNew(ClusterEnvelope envelope)
        {
            var identity = Identity(envelope);
            var last = Volatile.Read(ref _lastApplied);
            if (Equals(last, identity))
            {
                return false;
            }

            Volatile.Write(ref _lastApplied, identity);
            _removed = false;
            return true;
        }

        /// <summary>Which write a value is: the origin handed to the core with it.</summary>
        public static object? Identity(ClusterEnvelope? envelope) =>
            envelope is { Data: not null } ? (envelope.FetchedBy, envelope.FetchedAt, envelope.ExpiresAt) : null;
    }

    private sealed class Binding<T>(NatsExpirableStore owner, IExpirableSlot<T> slot, string bucketKey) : Binding(bucketKey)
    {
        private readonly Lock _pushing = new();
        private ulong _lastRevision;

        public override void Push(ReplicaState state)
        {
            // The replica table raises changes after releasing its lock, so the watcher and a fetching
            // thread can deliver revisions N+1 and N in that order: never install an older revision
            // over a newer one. (Local-only states keep their revision, hence '<' not '<='.)
            lock (_pushing)
            {
                if (state.Revision < _lastRevision)
                {
                    return;
                }

                _lastRevision = state.Revision;
                PushInOrder(state);
            }
        }

        private void PushInOrder(ReplicaState state)
        {
            switch (state.Kind)
            {
                case ReplicaKind.Deleted:
                case ReplicaKind.Malformed:
                    if (IsNewRemoval())
                    {
                        slot.ApplyRemoval();
                    }

                    break;
                case ReplicaKind.Present when state.Envelope is { } envelope && envelope.IsValidAt(owner._runtime.TimeProvider.GetUtcNow()):
                    if (IsNew(envelope) && owner.TryDeserialize(slot, envelope, out var fetched))
                    {
                        slot.ApplyValue(fetched, Identity(envelope));
                    }

                    break;
            }
        }
    }
}
