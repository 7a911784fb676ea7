using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NATS.Net;

namespace ExpirableStore.Internal.Cluster;

/// <summary>What a direct read of one key found.</summary>
/// <param name="Revision">The key's last revision (its delete marker's when deleted); 0 when the key never existed.</param>
/// <param name="Data">The raw entry; null when absent or deleted.</param>
internal readonly record struct BucketRead(ulong Revision, byte[]? Data, bool Deleted);

/// <summary>
/// The NATS connection and the KV bucket, with a deadline on every call. A call that misses its
/// deadline (or fails in transport) throws <see cref="ClusterCallTimeoutException"/>: its outcome is
/// unknown. A compare-and-set that loses returns null: someone else wrote first.
/// </summary>
internal sealed class ClusterBucket : IAsyncDisposable
{
    private static readonly INatsSerializer<byte[]> Raw = NatsRawSerializer<byte[]>.Default;

    private readonly NatsConnection _connection;
    private readonly TimeSpan _callTimeout;
    private INatsKVStore? _store;

    private ClusterBucket(NatsConnection connection, TimeSpan callTimeout)
    {
        _connection = connection;
        _callTimeout = callTimeout;
    }

    public NatsConnection Connection => _connection;

    public INatsKVStore Store => _store ?? throw new InvalidOperationException("The bucket is not open.");

    public bool IsConnected => _connection.ConnectionState == NatsConnectionState.Open;

    public TimeSpan CallTimeout => _callTimeout;

    /// <summary>Connects and creates (or updates) the bucket: File storage, History 1, the configured replicas.</summary>
    public static async ValueTask<ClusterBucket> OpenAsync(ClusterStoreOptions options, string clientName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new NatsConnection(BuildNatsOpts(options, clientName));
        var bucket = new ClusterBucket(connection, options.CallTimeout);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ConnectTimeout);
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
                var kv = connection.CreateKeyValueStoreContext();
                var config = new NatsKVConfig(options.Bucket)
                {
                    Description = "ExpirableStore values (cluster scope)",
                    History = 1,
                    Storage = NatsKVStorageType.File,
                    NumberOfReplicas = options.Replicas,
                };
                bucket._store = await kv.CreateOrUpdateStoreAsync(config, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ClusterCallTimeoutException(
                    $"Could not connect to NATS at {RedactUrl(options.Url)} and open bucket '{options.Bucket}' within {options.ConnectTimeout}.");
            }

            return bucket;
        }
        catch
        {
            await bucket.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static NatsOpts BuildNatsOpts(ClusterStoreOptions options, string clientName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var auth = NatsAuthOpts.Default with
        {
            Username = options.Username,
            Password = options.Password,
            Token = options.Token,
            Seed = options.NKeySeed,
            NKey = options.NKeySeed is { } seed ? PublicKeyOf(seed) : null,
            NKeyFile = options.NKeyFile,
            CredsFile = options.CredsFile,
        };
        var tls = NatsTlsOpts.Default with
        {
            Mode = options.TlsRequired || options.TlsCaFile is not null || options.TlsCertFile is not null ? TlsMode.Require : TlsMode.Auto,
            CaFile = options.TlsCaFile,
            CertFile = options.TlsCertFile,
            KeyFile = options.TlsKeyFile,
            InsecureSkipVerify = options.TlsInsecureSkipVerify,
        };
        return NatsOpts.Default with
        {
            Url = options.Url,
            Name = clientName,
            AuthOpts = auth,
            TlsOpts = tls,
            LoggerFactory = options.LoggerFactory,
            ConnectTimeout = options.CallTimeout,
            RequestTimeout = options.CallTimeout,
            CommandTimeout = options.CallTimeout,
            ReconnectWaitMin = options.ReconnectWaitMin,
            ReconnectWaitMax = options.ReconnectWaitMax,
            MaxReconnectRetry = -1,
            PingInterval = TimeSpan.FromSeconds(5),
        };
    }

    private static string PublicKeyOf(string seed)
    {
        using var pair = NATS.NKeys.KeyPair.FromSeed(seed);
        return pair.GetPublicKey();
    }

    /// <summary>Reads the current entry of a key directly from the server.</summary>
    public async ValueTask<BucketRead> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var result = await CallAsync(
            (store, ct) => store.TryGetEntryAsync<byte[]>(key, serializer: Raw, cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        if (result.Success)
        {
            var entry = result.Value;
            var deleted = entry.Operation is NatsKVOperation.Del or NatsKVOperation.Purge;
            return new BucketRead(entry.Revision, deleted ? null : entry.Value ?? [], deleted);
        }

        return result.Error switch
        {
            NatsKVKeyDeletedException deleted => new BucketRead(deleted.Revision, null, Deleted: true),
            NatsKVKeyNotFoundException => new BucketRead(0, null, Deleted: false),
            var error => throw Unknown("read", error),
        };
    }

    /// <summary>
    /// Writes <paramref name="data"/> only if the key's last revision is <paramref name="expectedRevision"/>
    /// (0: only if the key never existed). Returns the new revision, or null when another writer was first.
    /// </summary>
    public async ValueTask<ulong?> CompareAndSetAsync(string key, byte[] data, ulong expectedRevision, CancellationToken cancellationToken)
    {
        var result = await CallAsync(
            (store, ct) => store.TryUpdateAsync(key, data, expectedRevision, Raw, ct),
            cancellationToken).ConfigureAwait(false);
        if (result.Success)
        {
            return result.Value;
        }

        return result.Error switch
        {
            NatsKVWrongLastRevisionException or NatsKVCreateException => null,
            var error => throw Unknown("compare-and-set", error),
        };
    }

    /// <summary>Creates the key if it is absent or deleted; null when it exists.</summary>
    public async ValueTask<ulong?> CreateAsync(string key, byte[] data, CancellationToken cancellationToken)
    {
        var result = await CallAsync(
            (store, ct) => store.TryCreateAsync(key, data, Raw, ct),
            cancellationToken).ConfigureAwait(false);
        if (result.Success)
        {
            return result.Value;
        }

        return result.Error switch
        {
            NatsKVWrongLastRevisionException or NatsKVCreateException => null,
            var error => throw Unknown("create", error),
        };
    }

    /// <summary>Writes unconditionally (tests and tools; the protocol always writes with a compare-and-set).</summary>
    public async ValueTask<ulong> PutAsync(string key, byte[] data, CancellationToken cancellationToken)
    {
        var result = await CallAsync(
            (store, ct) => store.TryPutAsync(key, data, Raw, ct),
            cancellationToken).ConfigureAwait(false);
        return result.Success ? result.Value : throw Unknown("put", result.Error);
    }

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var result = await CallAsync(
            async (store, ct) => await store.TryDeleteAsync(key, cancellationToken: ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw Unknown("delete", result.Error);
        }
    }

    public IAsyncEnumerable<NatsKVEntry<byte[]>> WatchAsync(string filter, NatsKVWatchOpts opts, CancellationToken cancellationToken) =>
        Store.WatchAsync(filter, Raw, opts, cancellationToken);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    private async ValueTask<T> CallAsync<T>(Func<INatsKVStore, CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var store = Store;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_callTimeout);
        try
        {
            return await call(store, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClusterCallTimeoutException($"A NATS call to bucket '{store.Bucket}' did not complete within {_callTimeout}.");
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException && ex is not ClusterCallTimeoutException)
        {
            throw new ClusterCallTimeoutException($"A NATS call to bucket '{store.Bucket}' failed: {ex.GetType().Name}.", ex);
        }
    }

    private static ClusterCallTimeoutException Unknown(string operation, Exception error) =>
        new($"NATS KV {operation} failed: {error.GetType().Name}: {error.Message}", error);

    // A URL may carry credentials (nats://user:password@host): never put them in a message or a log.
    internal static string RedactUrl(string url)
    {
        var redacted = new System.Text.StringBuilder();
        foreach (var part in url.Split(','))
        {
            if (redacted.Length > 0)
            {
                redacted.Append(',');
            }

            var at = part.LastIndexOf('@');
            var scheme = part.IndexOf("://", StringComparison.Ordinal);
            redacted.Append(at < 0 ? part : (scheme >= 0 ? part[..(scheme + 3)] : string.Empty) + "***@" + part[(at + 1)..]);
        }

        return redacted.ToString();
    }
}
