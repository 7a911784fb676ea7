using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Net;

namespace ExpirableStore.Internal.Cluster;

internal enum WriteStatus
{
    /// <summary>Stored at <see cref="WriteResult.Revision"/>.</summary>
    Landed,

    /// <summary>The key's last revision was not the expected one; <see cref="WriteResult.Revision"/> is the server's (0 if it did not say).</summary>
    Conflict,

    /// <summary>No answer (deadline, no responders, transport): the write may or may not have landed.</summary>
    Unknown,

    /// <summary>The server (or the client, before sending) refused it for good, e.g. too large.</summary>
    Rejected,
}

/// <summary>What a write did.</summary>
internal readonly record struct WriteResult(WriteStatus Status, ulong Revision = 0, string? Reason = null);

/// <summary>What the server says the last revision of a key is.</summary>
/// <param name="Known">False when the server did not answer (then the other members mean nothing).</param>
/// <param name="Revision">The key's last revision; 0 when the stream holds no message for it.</param>
/// <param name="StreamMissing">The bucket's stream does not exist.</param>
internal readonly record struct RevisionRead(bool Known, ulong Revision, bool StreamMissing);

/// <summary>What a look-up of the bucket's stream found.</summary>
internal readonly record struct StreamLookup(bool Known, StreamInfo? Info)
{
    public bool Missing => Known && Info is null;
}

/// <summary>
/// The NATS connection and the bucket's JetStream stream, with a deadline on every call. Writes are
/// plain JetStream publishes to <c>$KV.&lt;bucket&gt;.&lt;key&gt;</c> (with the expected-revision header
/// for a compare-and-set), so their outcome is always one of <see cref="WriteStatus"/>. The bucket is
/// looked up, created only when missing, and never updated.
/// </summary>
internal sealed class ClusterBucket : IAsyncDisposable
{
    private static readonly INatsSerializer<byte[]> Raw = NatsRawSerializer<byte[]>.Default;
    private static readonly Version FirstSerializedCasRelease = new(2, 9, 21);
    private static readonly TimeSpan ShortestUsefulDuplicateWindow = TimeSpan.FromSeconds(10);

    private readonly ClusterStoreOptions _options;
    private readonly string _subjectPrefix;
    private readonly bool _ownsConnection;
    private INatsJSStream? _stream;

    private ClusterBucket(ClusterStoreOptions options, INatsConnection connection, bool ownsConnection)
    {
        _options = options;
        Connection = connection;
        _ownsConnection = ownsConnection;
        JetStream = connection.CreateJetStreamContext();
        StreamName = "KV_" + options.Bucket;
        _subjectPrefix = "$KV." + options.Bucket + ".";
    }

    public INatsConnection Connection { get; }

    public INatsJSContext JetStream { get; }

    public string Name => _options.Bucket;

    public string StreamName { get; }

    public bool IsConnected => Connection.ConnectionState == NatsConnectionState.Open;

    public TimeSpan CallTimeout => _options.CallTimeout;

    /// <summary>The stream as last looked up (configuration, creation time, replicas).</summary>
    public StreamInfo? Info => Volatile.Read(ref _stream)?.Info;

    /// <summary>The connected server's largest message (headers and payload), from its INFO.</summary>
    public int MaxPayload => Connection.ServerInfo?.MaxPayload ?? int.MaxValue;

    public string ServerVersion => Connection.ServerInfo?.Version ?? "unknown";

    /// <summary>
    /// True when the connected server predates 2.9.21, whose replicated streams check a write's expected
    /// revision before consensus only (nats-server#4320): concurrent compare-and-sets can all be accepted.
    /// </summary>
    public bool ServerMayAcceptConcurrentCas =>
        TryParseVersion(ServerVersion, out var version) && version < FirstSerializedCasRelease;

    public string Subject(string key) => _subjectPrefix + key;

    /// <summary>
    /// When set, every compare-and-set also carries the message id <c>key@expectedRevision</c>. Servers before
    /// 2.9.21 check a replicated stream's expected revision before consensus only (nats-server#4320), so
    /// concurrent compare-and-sets on one revision can all be accepted; but every replica drops a message whose
    /// id it stored already within the stream's duplicate window when it applies the log, in the same order
    /// everywhere. With one id per expected revision, at most one write per revision is stored; the others are
    /// answered as duplicates of it (see <see cref="WriteStatus.Conflict"/>).
    /// </summary>
    public bool DeduplicatesCas { get; set; }

    /// <summary>Connects and finds the bucket, creating it when it is missing (never changing an existing one).</summary>
    public static async ValueTask<(ClusterBucket Bucket, string? ConfigDifferences)> OpenAsync(ClusterStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bucket = options.SharedConnection is { } shared
            ? new ClusterBucket(options, shared, ownsConnection: false)
            : new ClusterBucket(options, new NatsConnection(options.Connection), ownsConnection: true);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ConnectTimeout);
            try
            {
                await bucket.Connection.ConnectAsync().AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);

                // JetStream that does not answer yet (a meta or stream leader being elected: timeouts, no
                // responders, "temporarily unavailable") is retried until the connect deadline, never taken
                // for a missing bucket nor for a failed start at the first unanswered call.
                var backoff = TimeSpan.FromMilliseconds(100);
                CreateAttempt? lastAttempt = null;
                while (true)
                {
                    var found = await bucket.LookUpAsync(deadline.Token).ConfigureAwait(false);
                    if (found is { Known: true, Missing: false })
                    {
                        return (bucket, bucket.DescribeDifferences());
                    }

                    if (found is { Known: true, Missing: true })
                    {
                        lastAttempt = await bucket.TryCreateAsync(config: null, deadline.Token).ConfigureAwait(false);
                        switch (lastAttempt.Value.Outcome)
                        {
                            case CreateOutcome.Exists:
                                return (bucket, null);
                            case CreateOutcome.Refused:
                                throw NotCreated(options, lastAttempt.Value);
                        }
                    }

                    try
                    {
                        await Task.Delay(backoff, deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && lastAttempt is { } attempt)
                    {
                        throw NotCreated(options, attempt);
                    }

                    backoff = backoff * 2 < TimeSpan.FromSeconds(1) ? backoff * 2 : TimeSpan.FromSeconds(1);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ClusterCallTimeoutException(
                    $"Could not connect to NATS at {options.DisplayUrl} and open bucket '{options.Bucket}' within {options.ConnectTimeout} (JetStream did not answer a look-up of the bucket).");
            }
        }
        catch
        {
            await bucket.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static NatsOpts BuildNatsOpts(ExpirableRuntimeOptions options, string url, string clientName, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var auth = NatsAuthOpts.Default with
        {
            Username = options.User,
            Password = options.Password,
            Token = options.Token,
            Seed = options.NKeySeed,
            NKey = options.NKeySeed is { } seed ? PublicKeyOf(seed) : null,
            CredsFile = options.CredentialsFile,
        };
        var tlsRequired = options.UseTls || url.StartsWith("tls://", StringComparison.OrdinalIgnoreCase) || options.TlsCaFile is not null || options.TlsCertFile is not null;
        var tls = NatsTlsOpts.Default with
        {
            Mode = tlsRequired ? TlsMode.Require : TlsMode.Auto,
            CaFile = options.TlsCaFile,
            CertFile = options.TlsCertFile,
            KeyFile = options.TlsKeyFile,
        };
        return NatsOpts.Default with
        {
            Url = url,
            Name = clientName,
            AuthOpts = auth,
            TlsOpts = tls,
            LoggerFactory = loggerFactory,
            ConnectTimeout = options.NatsCallTimeout,
            RequestTimeout = options.NatsCallTimeout,
            CommandTimeout = options.NatsCallTimeout,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            MaxReconnectRetry = -1,
            PingInterval = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>Looks the stream up (its configuration, creation time and state); not known when JetStream does not answer.</summary>
    public async ValueTask<StreamLookup> LookUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stream = await WithDeadlineAsync(ct => JetStream.GetStreamAsync(StreamName, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _stream, stream);
            return new StreamLookup(true, stream.Info);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10059)
        {
            return new StreamLookup(true, null);
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            return new StreamLookup(false, null);
        }
    }

    private static string Describe(NatsJSApiException ex) => $"'{ex.Error.Description}' (JetStream error {ex.Error.ErrCode})";

    /// <summary>The error of a connection that finds the bucket missing and could not create it.</summary>
    private static InvalidOperationException NotCreated(ClusterStoreOptions options, CreateAttempt attempt) => new(
        attempt.ServerError is { } serverError
            ? $"Bucket '{options.Bucket}' does not exist and JetStream did not create it: {serverError}. Create it (a JetStream KV bucket with {options.Replicas} replica(s)), or fix what the server names."
            : $"Bucket '{options.Bucket}' does not exist and this connection may not create it: create it (a JetStream KV bucket), or grant $JS.API.STREAM.CREATE.KV_{options.Bucket}.");

    /// <summary>
    /// Creates the bucket's stream: with <paramref name="config"/> (the configuration a lost bucket had), or
    /// as this process would (File storage, history 1, the configured replicas);
    /// <see cref="CreateOutcome.Exists"/> when it exists afterwards, whoever created it.
    /// </summary>
    public async ValueTask<CreateAttempt> TryCreateAsync(StreamConfig? config, CancellationToken cancellationToken)
    {
        try
        {
            if (config is null)
            {
                var kv = Connection.CreateKeyValueStoreContext();
                await WithDeadlineAsync(
                    ct => kv.CreateStoreAsync(
                        new NatsKVConfig(_options.Bucket)
                        {
                            Description = "ExpirableStore values (cluster scope)",
                            History = 1,
                            Storage = NatsKVStorageType.File,
                            NumberOfReplicas = _options.Replicas,
                        },
                        ct),
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WithDeadlineAsync(ct => JetStream.CreateStreamAsync(config, ct), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10058)
        {
            // Created meanwhile by someone else (with another configuration): use it as it is.
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode is 10004 or 10005 or 10008 or 10009)
        {
            // Incomplete, no suitable peers for placement (a cluster whose servers have not all joined its
            // meta group yet refuses an R3 stream), temporarily unavailable, not the leader: ask again.
            return new CreateAttempt(CreateOutcome.Unknown, Describe(ex));
        }
        catch (NatsJSApiException ex)
        {
            return new CreateAttempt(CreateOutcome.Refused, Describe(ex));
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            // No answer: also what a user without the permission to create gets (the server drops the request).
            return new CreateAttempt(CreateOutcome.Unknown, ServerError: null);
        }

        var found = await LookUpAsync(cancellationToken).ConfigureAwait(false);
        return new CreateAttempt(found is { Known: true, Missing: false } ? CreateOutcome.Exists : CreateOutcome.Unknown, ServerError: null);
    }

    /// <summary>Writes <paramref name="data"/> under <paramref name="key"/>; with <paramref name="expectedRevision"/> only if that is the key's last revision (0: none).</summary>
    public ValueTask<WriteResult> PutAsync(string key, byte[] data, ulong? expectedRevision, CancellationToken cancellationToken) =>
        PublishAsync(key, data, expectedRevision, headers: null, _options.CallTimeout, cancellationToken);

    /// <summary>As <see cref="PutAsync(string, byte[], ulong?, CancellationToken)"/>, with a deadline shorter than the call timeout (a renewal before the lease lapses).</summary>
    public ValueTask<WriteResult> PutAsync(string key, byte[] data, ulong? expectedRevision, TimeSpan deadline, CancellationToken cancellationToken) =>
        PublishAsync(key, data, expectedRevision, headers: null, deadline < _options.CallTimeout ? deadline : _options.CallTimeout, cancellationToken);

    /// <summary>Writes a delete marker (a clear); with <paramref name="expectedRevision"/> only if that is the key's last revision.</summary>
    public ValueTask<WriteResult> DeleteAsync(string key, ulong? expectedRevision, CancellationToken cancellationToken) =>
        PublishAsync(key, [], expectedRevision, new NatsHeaders { { "KV-Operation", "DEL" } }, _options.CallTimeout, cancellationToken);

    /// <summary>The key's last revision as the stream leader's store has it (a read that sees every write acknowledged before it).</summary>
    public async ValueTask<RevisionRead> ReadRevisionAsync(string key, CancellationToken cancellationToken)
    {
        var stream = Volatile.Read(ref _stream);
        if (stream is null)
        {
            return default;
        }

        try
        {
            var response = await WithDeadlineAsync(ct => stream.GetAsync(new StreamMsgGetRequest { LastBySubj = Subject(key) }, ct), cancellationToken).ConfigureAwait(false);
            return new RevisionRead(true, response.Message.Seq, StreamMissing: false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10037)
        {
            return new RevisionRead(true, 0, StreamMissing: false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == 10059)
        {
            return new RevisionRead(true, 0, StreamMissing: true);
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken) || ex is NatsJSApiException)
        {
            return default;
        }
    }

    /// <summary>Names what an existing bucket's configuration has that this process would not have created; null when nothing.</summary>
    public string? DescribeDifferences()
    {
        if (Info?.Config is not { } config)
        {
            return null;
        }

        var differences = new List<string>();
        if (config.NumReplicas != _options.Replicas)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"replicas {config.NumReplicas} (options: {_options.Replicas})"));
        }

        if (config.Storage != StreamConfigStorage.File)
        {
            differences.Add("memory storage (values vanish when a standalone server restarts)");
        }

        if (config.MaxMsgsPerSubject != 1)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"history {config.MaxMsgsPerSubject} (1)"));
        }

        if (config.MaxAge > TimeSpan.Zero)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"max age {config.MaxAge} (none; nats-server 2.9 tells no watcher when a value ages out)"));
        }

        if (config.MaxBytes > 0)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"max bytes {config.MaxBytes} (unlimited)"));
        }

        if (config.DuplicateWindow < ShortestUsefulDuplicateWindow)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"duplicate window {config.DuplicateWindow} (2 minutes; replicated buckets on servers before 2.9.21 rely on it)"));
        }

        if (config.MaxMsgSize > 0)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"max value size {config.MaxMsgSize} (unlimited; larger values are served to their own process only)"));
        }

        return differences.Count == 0 ? null : string.Join(", ", differences);
    }

    /// <summary>Closes the connection the bucket opened; the application's own (<see cref="ClusterStoreOptions.SharedConnection"/>) stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

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

    internal static bool TryParseVersion(string text, out Version version)
    {
        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
        {
            end++;
        }

        return Version.TryParse(text[..end], out version!);
    }

    private static string PublicKeyOf(string seed)
    {
        using var pair = NATS.NKeys.KeyPair.FromSeed(seed);
        return pair.GetPublicKey();
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) =>
        ex is NatsException or TimeoutException or ObjectDisposedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static ulong ParseActualRevision(string? description)
    {
        // nats-server: "wrong last sequence: 123"
        var colon = description?.LastIndexOf(':') ?? -1;
        return colon >= 0 && ulong.TryParse(description.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
    }

    private async ValueTask<WriteResult> PublishAsync(string key, byte[] data, ulong? expectedRevision, NatsHeaders? headers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var opts = expectedRevision is { } expected
            ? new NatsJSPubOpts { ExpectedLastSubjectSequence = expected, MsgId = DeduplicatesCas ? string.Create(CultureInfo.InvariantCulture, $"{key}@{expected}") : null }
            : null;
        if (timeout <= TimeSpan.Zero)
        {
            return new WriteResult(WriteStatus.Unknown, Reason: "no time left");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var result = await JetStream.TryPublishAsync(Subject(key), data, Raw, opts, headers, cts.Token).ConfigureAwait(false);
            if (!result.Success)
            {
                return result.Error switch
                {
                    NatsPayloadTooLargeException => new WriteResult(WriteStatus.Rejected, Reason: "larger than the server's max_payload"),
                    NatsJSPublishNoResponseException => new WriteResult(WriteStatus.Unknown, Reason: "no responders (the stream has no leader or does not exist)"),
                    NatsJSApiException api => FromApiError(api.Error),
                    var error => new WriteResult(WriteStatus.Unknown, Reason: error.GetType().Name),
                };
            }

            var ack = result.Value;
            return ack.Error is { } apiError
                ? FromApiError(apiError)
                : ack.Duplicate
                    ? new WriteResult(WriteStatus.Conflict, ack.Seq, "another write on the same revision was stored first")
                    : new WriteResult(WriteStatus.Landed, ack.Seq);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WriteResult(WriteStatus.Unknown, Reason: string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalMilliseconds:F0} ms"));
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            return new WriteResult(WriteStatus.Unknown, Reason: ex.GetType().Name);
        }
    }

    private static WriteResult FromApiError(ApiError error) => error switch
    {
        { ErrCode: 10071 } => new WriteResult(WriteStatus.Conflict, ParseActualRevision(error.Description), error.Description),

        // A client error (e.g. 10054, larger than the stream's max value size) or a full bucket: refused for good.
        { Code: 400 } => new WriteResult(WriteStatus.Rejected, Reason: error.Description),
        { ErrCode: 10077 } when error.Description?.Contains("maximum", StringComparison.Ordinal) == true => new WriteResult(WriteStatus.Rejected, Reason: error.Description),
        _ => new WriteResult(WriteStatus.Unknown, Reason: error.Description),
    };

    private async ValueTask<T> WithDeadlineAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_options.CallTimeout);
        return await call(cts.Token).ConfigureAwait(false);
    }
}

/// <summary>What an attempt to create the bucket's stream ended in, with JetStream's error when it answered one.</summary>
internal readonly record struct CreateAttempt(CreateOutcome Outcome, string? ServerError);

/// <summary>What an attempt to create the bucket's stream ended in.</summary>
internal enum CreateOutcome
{
    /// <summary>JetStream did not answer, or the stream is not there yet: ask again.</summary>
    Unknown,

    /// <summary>The stream exists now.</summary>
    Exists,

    /// <summary>JetStream refused to create it (not a transient condition).</summary>
    Refused,
}
