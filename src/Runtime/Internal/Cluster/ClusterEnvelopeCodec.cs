using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// Encodes envelopes to the bucket's JSON and decodes them strictly. An entry that is not an
/// envelope (garbage, an unknown schema, an oversized entry, a payload that does not authenticate
/// under a key this process has) decodes as malformed with a reason that never contains the value;
/// callers log it and treat the key as absent. A well-formed envelope whose payload this process
/// cannot read (another key, plain while encryption is required, encrypted schema 1) decodes as an
/// unreadable envelope: its header is honoured, its value never served.
/// </summary>
/// <remarks>
/// Schema 2: <c>{"v":2,"h":{header},"data":"base64","error":"text"}</c>, or encrypted
/// <c>{"v":2,"h":{header},"enc":"keyid","box":"base64"}</c> where the box seals the payload records
/// (value, error, state) with the bucket key and the exact header bytes as associated data; unencrypted,
/// the state is <c>"state":"base64"</c> beside <c>"data"</c>. Header: <c>"id"</c> (value id) and <c>"exp"</c>
/// (Unix ms or null) when there is a value, <c>"by"</c>, <c>"at"</c>, <c>"lease":{"holder","token","ms"}</c>,
/// <c>"abandoned":true</c>, <c>"failed":"lease token"</c>, <c>"sv"</c> (state version) when there is a state. Unknown members are skipped (a newer writer
/// may add some; the schema number says when that is incompatible). Schema 1 (no header) is still read.
/// </remarks>
internal sealed class ClusterEnvelopeCodec
{
    /// <summary>256 KiB: values are small (tokens, keys, rates). The server's own limits may be lower (see <see cref="ClusterStore"/>).</summary>
    public const int DefaultMaxEnvelopeBytes = 256 * 1024;
    private const int MaxErrorLength = 1024;
    private const byte DataRecord = 1;
    private const byte ErrorRecord = 2;
    private const byte StateRecord = 3;

    private readonly ClusterValueProtector? _protector;

    public ClusterEnvelopeCodec(ClusterValueProtector? protector = null, int maxEnvelopeBytes = DefaultMaxEnvelopeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEnvelopeBytes, 64);
        _protector = protector;
        MaxEnvelopeBytes = maxEnvelopeBytes;
    }

    /// <summary>The largest entry this process reads; larger ones are malformed.</summary>
    public int MaxEnvelopeBytes { get; }

    public bool Encrypts => _protector is not null;

    public byte[] Encode(string bucketKey, ClusterEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!envelope.IsReadable)
        {
            throw new InvalidOperationException("An envelope this process cannot read is never written back.");
        }

        var header = EncodeHeader(envelope);
        var error = envelope.Error is { Length: > MaxErrorLength } text ? text[..MaxErrorLength] : envelope.Error;
        var buffer = new ArrayBufferWriter<byte>(header.Length + 64 + ((envelope.Data?.Length ?? 0) * 4 / 3));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", ClusterEnvelope.SchemaVersion);
            writer.WritePropertyName("h");
            writer.WriteRawValue(header, skipInputValidation: true);
            if (_protector is not null)
            {
                writer.WriteString("enc", _protector.CurrentKeyId);
                writer.WriteBase64String("box", _protector.Seal(bucketKey, header, EncodeRecords(envelope.Data, error, envelope.State)));
            }
            else
            {
                if (envelope.Data is { } data)
                {
                    writer.WriteBase64String("data", data);
                }

                if (error is not null)
                {
                    writer.WriteString("error", error);
                }

                if (envelope.State is { } state)
                {
                    writer.WriteBase64String("state", state);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes; on failure <paramref name="malformedReason"/> says why, without any of the value.</summary>
    public bool TryDecode(string bucketKey, ReadOnlySpan<byte> bytes, out ClusterEnvelope envelope, out string malformedReason)
    {
        envelope = null!;
        if (bytes.Length == 0)
        {
            malformedReason = "empty entry";
            return false;
        }

        if (bytes.Length > MaxEnvelopeBytes)
        {
            malformedReason = $"oversized entry ({bytes.Length} bytes, at most {MaxEnvelopeBytes})";
            return false;
        }

        try
        {
            return TryDecodeJson(bucketKey, bytes, out envelope, out malformedReason);
        }
        catch (JsonException)
        {
            malformedReason = "not JSON";
            return false;
        }
        catch (FormatException)
        {
            malformedReason = "invalid base64 or number";
            return false;
        }
        catch (InvalidOperationException)
        {
            malformedReason = "unexpected JSON token type";
            return false;
        }
    }

    private static byte[] EncodeHeader(ClusterEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (envelope.ValueId is { } id)
            {
                writer.WriteString("id", id);
                if (envelope.ExpiresAt is { } expiresAt)
                {
                    writer.WriteNumber("exp", expiresAt.ToUnixTimeMilliseconds());
                }
                else
                {
                    writer.WriteNull("exp");
                }
            }

            if (envelope.FetchedBy is { } by)
            {
                writer.WriteString("by", by);
            }

            if (envelope.FetchedAt is { } at)
            {
                writer.WriteNumber("at", at.ToUnixTimeMilliseconds());
            }

            if (envelope.Lease is { } lease)
            {
                writer.WriteStartObject("lease");
                writer.WriteString("holder", lease.Holder);
                writer.WriteString("token", lease.Token);
                writer.WriteNumber("ms", (long)lease.Duration.TotalMilliseconds);
                writer.WriteEndObject();
                if (envelope.Abandoned)
                {
                    writer.WriteBoolean("abandoned", true);
                }
            }

            if (envelope.FailedLease is { } failed)
            {
                writer.WriteString("failed", failed);
            }

            if (envelope.State is not null)
            {
                writer.WriteNumber("sv", envelope.StateVersion);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] EncodeRecords(byte[]? data, string? error, byte[]? state)
    {
        var errorBytes = error is null ? null : Encoding.UTF8.GetBytes(error);
        var output = new byte[(data is null ? 0 : 5 + data.Length) + (errorBytes is null ? 0 : 5 + errorBytes.Length) + (state is null ? 0 : 5 + state.Length)];
        var position = 0;
        Write(DataRecord, data);
        Write(ErrorRecord, errorBytes);
        Write(StateRecord, state);
        return output;

        void Write(byte tag, byte[]? value)
        {
            if (value is null)
            {
                return;
            }

            output[position] = tag;
            BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(position + 1), value.Length);
            value.CopyTo(output, position + 5);
            position += 5 + value.Length;
        }
    }

    private static bool TryDecodeRecords(ReadOnlySpan<byte> records, out byte[]? data, out string? error, out byte[]? state)
    {
        data = null;
        error = null;
        state = null;
        while (records.Length > 0)
        {
            if (records.Length < 5)
            {
                return false;
            }

            var tag = records[0];
            var length = BinaryPrimitives.ReadInt32BigEndian(records[1..]);
            if (length < 0 || length > records.Length - 5)
            {
                return false;
            }

            var value = records.Slice(5, length);
            switch (tag)
            {
                case DataRecord:
                    data = value.ToArray();
                    break;
                case ErrorRecord:
                    error = Encoding.UTF8.GetString(value);
                    break;
                case StateRecord:
                    state = value.ToArray();
                    break;
            }

            records = records[(5 + length)..];
        }

        return true;
    }

    private bool TryDecodeJson(string bucketKey, ReadOnlySpan<byte> bytes, out ClusterEnvelope envelope, out string malformedReason)
    {
        envelope = null!;
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            malformedReason = "not a JSON object";
            return false;
        }

        var fields = new Fields();
        ReadOnlySpan<byte> header = default;
        var hasHeader = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                malformedReason = "unexpected JSON token";
                return false;
            }

            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "v":
                    fields.Version = reader.GetInt32();
                    break;
                case "h" when reader.TokenType == JsonTokenType.StartObject:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    header = bytes[start..(int)reader.BytesConsumed];
                    hasHeader = true;
                    break;
                case "box":
                    fields.Box = reader.GetBytesFromBase64();
                    break;
                case "error" or "fail":
                    fields.Error = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                default:
                    if (!fields.TryRead(name, ref reader, out malformedReason))
                    {
                        return false;
                    }

                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            malformedReason = "trailing data after the JSON object";
            return false;
        }

        switch (fields.Version)
        {
            case ClusterEnvelope.SchemaVersion when hasHeader:
                return TryDecodeSchema2(bucketKey, header, fields, out envelope, out malformedReason);
            case ClusterEnvelope.SchemaVersion:
                malformedReason = "no header";
                return false;
            case 1:
                return TryDecodeSchema1(fields, out envelope, out malformedReason);
            case null:
                malformedReason = "no schema version";
                return false;
            default:
                malformedReason = $"unsupported schema version {fields.Version}";
                return false;
        }
    }

    private bool TryDecodeSchema2(string bucketKey, ReadOnlySpan<byte> header, Fields outer, out ClusterEnvelope envelope, out string malformedReason)
    {
        envelope = null!;
        var fields = new Fields();
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 3 });
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (!fields.TryRead(name, ref reader, out malformedReason))
            {
                return false;
            }
        }

        if (fields.ValueId is not null && !fields.HasExpiry)
        {
            malformedReason = "value without expiry";
            return false;
        }

        var data = outer.Data;
        var error = outer.Error;
        var state = outer.State;
        string? unreadable = null;
        if (outer.KeyId is { } keyId && outer.Box is { } box)
        {
            if (_protector is null)
            {
                unreadable = $"encrypted with key {keyId} and this process has no encryption key";
            }
            else if (!_protector.HasKey(keyId))
            {
                unreadable = $"encrypted with key {keyId}, which is not among this process's keys";
            }
            else if (!_protector.TryOpen(bucketKey, keyId, header, box, out var records) || !TryDecodeRecords(records, out data, out error, out state))
            {
                malformedReason = "encrypted entry does not authenticate with the configured keys";
                return false;
            }
        }
        else if (outer.KeyId is not null || outer.Box is not null)
        {
            malformedReason = "incomplete encrypted payload";
            return false;
        }
        else if (_protector is not null)
        {
            // Not written by a process with our keys: never trusted, but not evicted either.
            unreadable = "not encrypted, and this process requires encryption";
            data = null;
            error = null;
            state = null;
        }

        if (unreadable is null && (fields.ValueId is null) != (data is null))
        {
            malformedReason = fields.ValueId is null ? "data without a value id" : "value id without data";
            return false;
        }

        if (unreadable is null && (fields.StateVersion > 0) != (state is not null))
        {
            malformedReason = state is null ? "state version without a state" : "state without a state version";
            return false;
        }

        envelope = fields.ToEnvelope() with
        {
            Data = unreadable is null ? data : null,
            Error = unreadable is null ? error : null,
            State = unreadable is null ? state : null,
            StateVersion = unreadable is null ? fields.StateVersion : 0,
            Unreadable = unreadable,
        };
        malformedReason = string.Empty;
        return true;
    }

    private bool TryDecodeSchema1(Fields fields, out ClusterEnvelope envelope, out string malformedReason)
    {
        envelope = null!;
        if (fields.Data is not null && !fields.HasExpiry)
        {
            malformedReason = "value without expiry";
            return false;
        }

        string? unreadable = null;
        if (fields.Data is not null && fields.KeyId is not null)
        {
            // Schema 1 did not authenticate the expiry: an encrypted schema-1 value is honoured, never served.
            unreadable = "encrypted schema-1 entry (its expiry is not authenticated)";
        }
        else if (fields.Data is not null && _protector is not null)
        {
            unreadable = "not encrypted, and this process requires encryption";
        }

        var valueId = fields.Data is null ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"v1/{fields.By}/{fields.At?.ToUnixTimeMilliseconds()}/{fields.ExpiresAt?.ToUnixTimeMilliseconds()}");

        // A schema-1 failure carries no lease token: nobody takes it as their outcome; the next call fetches.
        envelope = new ClusterEnvelope
        {
            ValueId = valueId,
            Data = unreadable is null ? fields.Data : null,
            ExpiresAt = fields.Data is null ? null : fields.ExpiresAt,
            FetchedBy = fields.By,
            FetchedAt = fields.At,
            Lease = fields.Lease,
            Unreadable = unreadable,
        };
        malformedReason = string.Empty;
        return true;
    }

    private static DateTimeOffset FromUnixMs(long ms)
    {
        if (ms < -62135596800000 || ms > 253402300799999)
        {
            throw new FormatException("timestamp out of range");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>The members of a header (schema 2) or of a whole schema-1 envelope.</summary>
    private sealed class Fields
    {
        public int? Version { get; set; }

        public string? ValueId { get; private set; }

        public byte[]? Data { get; private set; }

        public string? KeyId { get; private set; }

        public byte[]? Box { get; set; }

        public string? Error { get; set; }

        public DateTimeOffset? ExpiresAt { get; private set; }

        public bool HasExpiry { get; private set; }

        public string? By { get; private set; }

        public DateTimeOffset? At { get; private set; }

        public ClusterLease? Lease { get; private set; }

        public bool Abandoned { get; private set; }

        public string? FailedLease { get; private set; }

        public byte[]? State { get; private set; }

        public long StateVersion { get; private set; }

        public bool TryRead(string? name, ref Utf8JsonReader reader, out string malformedReason)
        {
            malformedReason = string.Empty;
            switch (name)
            {
                case "id":
                    ValueId = reader.GetString();
                    break;
                case "data":
                    Data = reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();
                    break;
                case "enc":
                    KeyId = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                case "exp":
                    HasExpiry = true;
                    ExpiresAt = reader.TokenType == JsonTokenType.Null ? null : FromUnixMs(reader.GetInt64());
                    break;
                case "by":
                    By = reader.GetString();
                    break;
                case "at":
                    At = FromUnixMs(reader.GetInt64());
                    break;
                case "abandoned":
                    Abandoned = reader.GetBoolean();
                    break;
                case "failed":
                    FailedLease = reader.GetString();
                    break;
                case "state":
                    State = reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();
                    break;
                case "sv":
                    StateVersion = reader.GetInt64();
                    if (StateVersion <= 0)
                    {
                        malformedReason = "invalid state version";
                        return false;
                    }

                    break;
                case "lease":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (!TryReadLease(ref reader, out var lease))
                    {
                        malformedReason = "invalid lease";
                        return false;
                    }

                    Lease = lease;
                    break;
                default:
                    reader.Skip();
                    break;
            }

            return true;
        }

        public ClusterEnvelope ToEnvelope() => new()
        {
            ValueId = ValueId,
            ExpiresAt = ValueId is null ? null : ExpiresAt,
            FetchedBy = By,
            FetchedAt = At,
            Lease = Lease,
            Abandoned = Lease is not null && Abandoned,
            FailedLease = FailedLease,
        };

        private static bool TryReadLease(ref Utf8JsonReader reader, out ClusterLease? lease)
        {
            lease = null;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? holder = null;
            string? token = null;
            long? ms = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "holder":
                        holder = reader.GetString();
                        break;
                    case "token":
                        token = reader.GetString();
                        break;
                    case "ms":
                        ms = reader.GetInt64();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (holder is null || token is null || ms is null || ms <= 0 || ms > (long)ClusterStoreOptions.MaxLeaseDuration.TotalMilliseconds)
            {
                return false;
            }

            lease = new ClusterLease(holder, token, TimeSpan.FromMilliseconds(ms.Value));
            return true;
        }
    }
}
