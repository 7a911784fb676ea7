using System;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace ExpirableStore;

/// <summary>Configures an <see cref="ExpirableRuntime"/>. Every property has a working default.</summary>
public sealed class ExpirableRuntimeOptions
{
    /// <summary>
    /// The NATS server URL(s), comma-separated; the runtime opens its own connection (with <see cref="User"/>,
    /// <see cref="Token"/>, <see cref="UseTls"/> and the other connection options) and closes it when disposed.
    /// Null, and no <see cref="NatsConnection"/>: no cluster, cluster scope runs in-process.
    /// </summary>
    public string? NatsUrl { get; set; }

    /// <summary>
    /// A NATS connection the application already has (its own credentials, TLS, inbox prefix and reconnect
    /// policy), used instead of opening one from <see cref="NatsUrl"/>: the runtime connects it if needed and never
    /// disposes it. Its reconnect policy is the runtime's: keep NATS.Net's default of retrying for ever
    /// (<c>MaxReconnectRetry = -1</c>), or cluster scope stays unreachable once the connection gives up. With
    /// dependency injection: <c>AddExpirableStore(o =&gt; o.NatsConnection = o.Services!.GetRequiredService&lt;INatsConnection&gt;())</c>.
    /// Set either this or <see cref="NatsUrl"/>, and no connection option with it.
    /// </summary>
    public NATS.Client.Core.INatsConnection? NatsConnection { get; set; }

    /// <summary>The JetStream KV bucket shared by the cluster. Default "expirables".</summary>
    public string Bucket { get; set; } = "expirables";

    /// <summary>The clock of every expiry, timer and timeout. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Handed to fetchers of the (IServiceProvider, CancellationToken) shape; DI sets it to the container.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>Where the runtime logs (names and outcomes, never values). Null: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Creates the "ExpirableStore" meter; null: a meter of the runtime's own.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Upper bound on a fetch of an expirable that declares no timeout (positive, at most 365 days). Default: none.</summary>
    public TimeSpan? DefaultFetchTimeout { get; set; }

    /// <summary>The first delay before retrying a failed eager refresh (positive, at most 365 days). Default 1 s.</summary>
    public TimeSpan EagerRetryInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap of the doubling delay between eager refresh retries (from the initial backoff to 365 days). Default 30 s.</summary>
    public TimeSpan EagerRetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="ExpirableRuntime.DisposeAsync"/> waits for a running fetch method to observe its
    /// cancelled token (a fetch method that ignores it is abandoned after this; one already abandoned at its
    /// timeout is not waited for again). Measured on the real clock: shutdown must end even when the
    /// runtime runs on a fake one. Zero to 365 days; default 5 s.
    /// </summary>
    public TimeSpan DisposeGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a fetch method abandoned at its timeout (it ignores its cancelled token and keeps running)
    /// may keep its expirable's only fetch: until it returns, no other call of that fetch method starts and
    /// accesses get the timeout failure at once, so a hanging upstream gets no second call. Past this it is
    /// logged as an error and no longer waited for: the next access fetches again. Positive, at most 365
    /// days, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> (wait for it forever). Measured on
    /// <see cref="TimeProvider"/>. Default 2 minutes (beyond HttpClient's default timeout of 100 s).
    /// </summary>
    public TimeSpan AbandonedFetchTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a cluster refresh lease lasts without renewal. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Deadline of every NATS call (calls queued during a disconnect never time out by themselves). Default 5 s.</summary>
    public TimeSpan NatsCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Replicas of the KV bucket in a JetStream cluster. Default 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>What a cluster-scoped fetch does when NATS cannot be reached. Default <see cref="ClusterUnreachableFetchMode.FetchLocally"/>.</summary>
    public ClusterUnreachableFetchMode WhenClusterUnreachable { get; set; } = ClusterUnreachableFetchMode.FetchLocally;

    /// <summary>NATS user name (with <see cref="Password"/>).</summary>
    public string? User { get; set; }

    /// <summary>NATS password (with <see cref="User"/>).</summary>
    public string? Password { get; set; }

    /// <summary>NATS authentication token.</summary>
    public string? Token { get; set; }

    /// <summary>NATS NKey seed.</summary>
    public string? NKeySeed { get; set; }

    /// <summary>Path of a NATS .creds file (JWT and NKey seed).</summary>
    public string? CredentialsFile { get; set; }

    /// <summary>Require TLS to NATS (also implied by a tls:// URL).</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA that signed the NATS server's certificate.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertFile"/>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>Serializes cluster values into the bucket. Default System.Text.Json.</summary>
    public IExpirableValueSerializer ValueSerializer { get; set; } = SystemTextJsonValueSerializer.Default;

    /// <summary>
    /// A 16, 24 or 32-byte AES key: when set, cluster values are encrypted at rest in the bucket with AES-GCM.
    /// Every process of the cluster needs the same key.
    /// </summary>
#pragma warning disable CA1819 // a key is naturally a byte array
    public byte[]? EncryptionKey { get; set; }
#pragma warning restore CA1819

    /// <summary>
    /// Keys that encrypted values earlier and are still accepted for reading, so that a rolling key rotation
    /// reads the entries already in the bucket without refetching them. Needs <see cref="EncryptionKey"/>.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<byte[]>? PreviousEncryptionKeys { get; set; }

    /// <summary>
    /// The first part of every bucket key of this runtime, and the one subject its watcher filters on, so that
    /// applications sharing a bucket do not see each other's keys. Null (default): the application's own name
    /// (the entry assembly's, like ASP.NET Core's ApplicationName); processes that share values need the same
    /// prefix. Empty: no prefix, the whole bucket (the key layout of earlier releases).
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// How long a key of a keyed expirable stays in memory without being read: a key neither read
    /// (<c>FetchAsync</c>, <c>GetAsync</c>) nor fetching for a whole period of this length leaves memory at the
    /// end of the next one, so between one and two periods after its last read (its value, its timers, its
    /// eager refresh go; an eager refresh is not a read). Its next read fetches again. A state is never lost
    /// by it: scope local keeps the state of a key that leaves (until the key is cleared), scope cluster has
    /// it in the bucket. Default 10 minutes.
    /// </summary>
    public TimeSpan KeyIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    internal ExpirableRuntimeOptions Clone() => (ExpirableRuntimeOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Bucket, nameof(Bucket));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(ValueSerializer, nameof(ValueSerializer));
        Internal.Durations.RequirePositive(EagerRetryInitialBackoff, nameof(EagerRetryInitialBackoff));
        Internal.Durations.RequirePositive(EagerRetryMaxBackoff, nameof(EagerRetryMaxBackoff));
        if (EagerRetryMaxBackoff < EagerRetryInitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(EagerRetryMaxBackoff), EagerRetryMaxBackoff, "EagerRetryMaxBackoff must not be below EagerRetryInitialBackoff.");
        }

        if (DefaultFetchTimeout is { } t)
        {
            Internal.Durations.RequirePositive(t, nameof(DefaultFetchTimeout));
        }

        Internal.Durations.RequireNonNegative(DisposeGracePeriod, nameof(DisposeGracePeriod));
        if (AbandonedFetchTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            Internal.Durations.RequirePositive(AbandonedFetchTimeout, nameof(AbandonedFetchTimeout));
        }

        Internal.Durations.RequirePositive(KeyIdleTimeout, nameof(KeyIdleTimeout));
        Internal.Cluster.ClusterStoreOptions.Validate(this);
    }
}
