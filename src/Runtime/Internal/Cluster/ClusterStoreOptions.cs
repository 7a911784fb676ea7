using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// Everything the cluster protocol needs, derived once from the public <see cref="ExpirableRuntimeOptions"/>
/// (<see cref="From"/>), which are validated once, here (<see cref="Validate"/>). Tests of the protocol set
/// the tuning members directly.
/// </summary>
internal sealed record ClusterStoreOptions
{
    /// <summary>The longest lease a reader accepts (and <see cref="ExpirableRuntimeOptions.LeaseDuration"/> may be).</summary>
    public static readonly TimeSpan MaxLeaseDuration = TimeSpan.FromDays(1);

    /// <summary>The shortest lease: a renewal (every third of it) must be able to cross the network.</summary>
    public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromMilliseconds(300);

    /// <summary>The longest deadline of a NATS call (a CancellationTokenSource cannot wait longer than ~49 days anyway).</summary>
    public static readonly TimeSpan MaxCallTimeout = TimeSpan.FromDays(1);

    /// <summary>The NATS connection the store opens (and closes): URL(s), credentials, TLS, deadlines, reconnect policy.</summary>
    public NatsOpts Connection { get; init; } = NatsOpts.Default;

    /// <summary>The application's connection (<see cref="ExpirableRuntimeOptions.NatsConnection"/>), used instead of <see cref="Connection"/> and never disposed.</summary>
    public INatsConnection? SharedConnection { get; init; }

    public string Bucket { get; init; } = "expirables";

    /// <summary>Replicas of the bucket when this process creates it (an existing bucket is never changed).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Every key of this process starts with <c>prefix.</c> and the watcher filters <c>prefix.&gt;</c>; empty: the whole bucket.</summary>
    public string KeyPrefix { get; init; } = string.Empty;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Deadline of every single NATS call: calls queued during a disconnect never time out by themselves.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle heartbeat of the watcher's consumer: three times this without any message (a late heartbeat is no reason) and the watcher checks the stream and resumes.</summary>
    public TimeSpan WatcherIdleHeartbeat { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a fetch needed right after a disconnect waits for the client to reconnect (a failover takes a fraction of a second).</summary>
    public TimeSpan ReconnectGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>True (default): when the cluster cannot coordinate, a needed fetch runs in this process; false: it fails.</summary>
    public bool FetchLocallyWhenUnreachable { get; init; } = true;

    /// <summary>Names this process in leases and in <c>by</c>.</summary>
    public string NodeName { get; init; } = DefaultNodeName();

    /// <summary>AES-GCM keys: the first seals, all open. Empty: values are stored unencrypted.</summary>
    public IReadOnlyList<byte[]> EncryptionKeys { get; init; } = [];

    public int MaxEnvelopeBytes { get; init; } = ClusterEnvelopeCodec.DefaultMaxEnvelopeBytes;

    /// <summary>
    /// Whether every compare-and-set carries a message id made of its key and expected revision, so that the
    /// server stores at most one write per revision (see <see cref="ClusterBucket.DeduplicatesCas"/>). Null
    /// (default): exactly when the bucket has more than one replica and the connected server predates 2.9.21
    /// (nats-server#4320); later servers serialize expected-revision checks themselves.
    /// </summary>
    public bool? DeduplicateCas { get; init; }

    /// <summary>How long disposal waits for a fetch that timed out to end, so that its holder can write or release (real clock).</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(5);

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The clock of value expiry and of lease lapses (the runtime's). Network deadlines use the real clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A holder renews its lease every third of it: a renewal that fails can be retried twice before the lease lapses.</summary>
    public TimeSpan RenewInterval => LeaseDuration / 3;

    /// <summary>How long a fetch keeps retrying while JetStream does not answer (a leader election) before it treats the cluster as unreachable.</summary>
    public TimeSpan UnavailableBudget => LeaseDuration;

    /// <summary>The URL(s) without credentials, for messages.</summary>
    public string DisplayUrl => ClusterBucket.RedactUrl((SharedConnection?.Opts ?? Connection).Url);

    /// <summary>Builds the protocol's options from validated runtime options.</summary>
    public static ClusterStoreOptions From(ExpirableRuntimeOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NatsUrl is null && options.NatsConnection is null)
        {
            throw new ArgumentException("NatsUrl or NatsConnection is required for the NATS store.", nameof(options));
        }

        var nodeName = DefaultNodeName();
        var callTimeout = options.NatsCallTimeout;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        List<byte[]> keys = [];
        if (options.EncryptionKey is { } current)
        {
            keys.Add(current);
            keys.AddRange(options.PreviousEncryptionKeys ?? []);
        }

        return new ClusterStoreOptions
        {
            Connection = options.NatsUrl is { } url ? ClusterBucket.BuildNatsOpts(options, url, "expirables " + nodeName, loggerFactory) : NatsOpts.Default,
            SharedConnection = options.NatsConnection,
            Bucket = options.Bucket,
            Replicas = options.Replicas,
            KeyPrefix = ResolveKeyPrefix(options.KeyPrefix),
            LeaseDuration = options.LeaseDuration,
            CallTimeout = callTimeout,
            ConnectTimeout = callTimeout * 2 > TimeSpan.FromSeconds(10) ? callTimeout * 2 : TimeSpan.FromSeconds(10),
            FetchLocallyWhenUnreachable = options.WhenClusterUnreachable == ClusterUnreachableFetchMode.FetchLocally,
            NodeName = nodeName,
            EncryptionKeys = keys,
            ShutdownGrace = options.DisposeGracePeriod,
            LoggerFactory = loggerFactory,
            TimeProvider = time ?? options.TimeProvider,
        };
    }

    /// <summary>The one validation of the cluster options (called by <see cref="ExpirableRuntimeOptions"/>).</summary>
    public static void Validate(ExpirableRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Bucket, nameof(options.Bucket));
        if (!options.Bucket.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Bucket '{options.Bucket}' may contain only ASCII letters, digits, '-' and '_'.", nameof(options));
        }

        if (options.NatsConnection is not null)
        {
            if (options.NatsUrl is not null)
            {
                throw new ArgumentException("Set NatsUrl or NatsConnection, not both: NatsConnection is a connection the application already opened.", nameof(options));
            }

            var connectionOptions = new (string Name, bool Set)[]
            {
                (nameof(options.User), options.User is not null),
                (nameof(options.Password), options.Password is not null),
                (nameof(options.Token), options.Token is not null),
                (nameof(options.NKeySeed), options.NKeySeed is not null),
                (nameof(options.CredentialsFile), options.CredentialsFile is not null),
                (nameof(options.UseTls), options.UseTls),
                (nameof(options.TlsCaFile), options.TlsCaFile is not null),
                (nameof(options.TlsCertFile), options.TlsCertFile is not null),
                (nameof(options.TlsKeyFile), options.TlsKeyFile is not null),
            };
            var set = connectionOptions.Where(option => option.Set).Select(option => option.Name).ToList();
            if (set.Count > 0)
            {
                throw new ArgumentException($"{string.Join(", ", set)} configure the connection the runtime opens from NatsUrl; with NatsConnection, set them on that connection.", nameof(options));
            }
        }

        if (options.LeaseDuration < MinLeaseDuration || options.LeaseDuration > MaxLeaseDuration)
        {
            throw new ArgumentException($"LeaseDuration must be between {MinLeaseDuration.TotalMilliseconds} ms and {MaxLeaseDuration.TotalDays} day; it is {options.LeaseDuration}.", nameof(options));
        }

        if (options.NatsCallTimeout <= TimeSpan.Zero || options.NatsCallTimeout > MaxCallTimeout)
        {
            throw new ArgumentException($"NatsCallTimeout must be positive and at most {MaxCallTimeout.TotalDays} day; it is {options.NatsCallTimeout}.", nameof(options));
        }

        if (options.Replicas is < 1 or > 5)
        {
            throw new ArgumentException($"Replicas must be between 1 and 5 (JetStream's limit); it is {options.Replicas}.", nameof(options));
        }

        if (options.EncryptionKey is { } key && !ClusterValueProtector.IsValidKeyLength(key))
        {
            throw new ArgumentException("EncryptionKey must be 16, 24 or 32 bytes.", nameof(options));
        }

        if (options.PreviousEncryptionKeys is { Count: > 0 } previous)
        {
            if (options.EncryptionKey is null)
            {
                throw new ArgumentException("PreviousEncryptionKeys need an EncryptionKey: the current key encrypts, the previous ones only decrypt.", nameof(options));
            }

            foreach (var old in previous)
            {
                if (!ClusterValueProtector.IsValidKeyLength(old))
                {
                    throw new ArgumentException("Every one of PreviousEncryptionKeys must be 16, 24 or 32 bytes.", nameof(options));
                }
            }
        }

        if (options.KeyPrefix is { Length: > 0 } prefix && (prefix[0] == '.' || prefix[^1] == '.' || prefix.Contains("..", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"KeyPrefix '{prefix}' must not start or end with '.' nor contain an empty token ('..').", nameof(options));
        }
    }

    /// <summary>
    /// The prefix of every key: the option when set ("" for none), else the application's own name,
    /// the entry assembly's name (what ASP.NET Core's <c>IHostEnvironment.ApplicationName</c> defaults to).
    /// </summary>
    public static string ResolveKeyPrefix(string? option) =>
        NatsExpirableStore.EscapeKey(option ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "expirables");

    private static string DefaultNodeName() =>
        $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
}
