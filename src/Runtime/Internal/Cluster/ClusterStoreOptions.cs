using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExpirableStore.Internal.Cluster;

/// <summary>Everything the NATS cluster store needs; built from the public runtime options.</summary>
internal sealed record ClusterStoreOptions
{
    public required string Url { get; init; }

    // A record prints every property; these hold secrets (password, token, NKey seed, encryption key).
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Url = ").Append(ClusterBucket.RedactUrl(Url)).Append(", Bucket = ").Append(Bucket)
               .Append(", Replicas = ").Append(Replicas);
        return true;
    }

    public string Bucket { get; init; } = "expirables";

    /// <summary>JetStream replicas of the bucket (1 on a single server, 3 on a 3-server cluster).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Watch only keys under this prefix (<c>prefix.&gt;</c>); null watches the whole bucket.</summary>
    public string? KeyPrefix { get; init; }

    /// <summary>
    /// Confirm every won claim with a second compare-and-set on its own revision. nats-server before
    /// 2.9.21 does not serialize the expected-revision check of concurrent writes to a replicated
    /// stream (nats-server#4320), so several claims can "win" at once; only the latest of them can
    /// confirm. Null (default): confirm when <see cref="Replicas"/> &gt; 1.
    /// </summary>
    public bool? ConfirmClaims { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Deadline of every single NATS call: calls queued during a disconnect never time out by themselves.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Watcher idle heartbeat: a watcher that hears nothing for twice this long recreates its consumer (resync after a server restart).</summary>
    public TimeSpan WatcherIdleHeartbeat { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>True (default): while NATS is unreachable a needed fetch runs in this process; false: it fails.</summary>
    public bool FetchLocallyWhenDisconnected { get; init; } = true;

    /// <summary>Names this process in leases and in <c>fetchedBy</c>; default host/pid/random.</summary>
    public string? NodeName { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? Token { get; init; }

    /// <summary>An NKey seed (<c>SU...</c>).</summary>
    public string? NKeySeed { get; init; }

    public string? NKeyFile { get; init; }

    public string? CredsFile { get; init; }

    public bool TlsRequired { get; init; }

    public string? TlsCaFile { get; init; }

    public string? TlsCertFile { get; init; }

    public string? TlsKeyFile { get; init; }

    public bool TlsInsecureSkipVerify { get; init; }

    /// <summary>AES-GCM keys (16, 24 or 32 bytes): the first encrypts, all decrypt. Null: values are stored unencrypted.</summary>
    public IReadOnlyList<byte[]>? EncryptionKeys { get; init; }

    public int MaxEnvelopeBytes { get; init; } = ClusterEnvelopeCodec.DefaultMaxEnvelopeBytes;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How long a fetch needed right after a disconnect waits for the client to reconnect (a failover
    /// to another server of the cluster takes a fraction of a second) before it falls back.
    /// </summary>
    public TimeSpan ReconnectGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reconnect backoff bounds (short: a restarted server should be used again within seconds).</summary>
    public TimeSpan ReconnectWaitMin { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectWaitMax { get; init; } = TimeSpan.FromSeconds(2);
}
