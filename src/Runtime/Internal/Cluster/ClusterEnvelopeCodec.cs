using System;
using System.Buffers;
using System.Text.Json;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// Encodes envelopes to the bucket's JSON and decodes them strictly. Anything that is not an
/// envelope this version wrote (garbage bytes, another schema, an oversized entry, a value that
/// does not decrypt) decodes as malformed with a reason that never contains the value; callers
/// log the reason and treat the key as absent.
/// </summary>
/// <remarks>
/// Format (schema 1): <c>{"v":1,"data":"base64","enc":"keyid","exp":unixMs|null,"by":"node",
/// "at":unixMs,"lease":{"holder":"node","token":"t","ms":10000},"fail":"reason"}</c>; every member
/// but <c>v</c> is optional.
/// </remarks>
internal sealed class ClusterEnvelopeCodec
{
    /// <summary>256 KiB: values are small (tokens, keys, rates); nats-server's default maximum payload is 1 MB.</summary>
    public const int DefaultMaxEnvelopeBytes = 256 * 1024;
    private const int MaxFailureLength = 1024;

    private readonly ClusterValueProtector? _protector;
    private readonly int _maxEnvelopeBytes;

    public ClusterEnvelopeCodec(ClusterValueProtector? protector = null, int maxEnvelopeBytes = DefaultMaxEnvelopeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEnvelopeBytes, 64);
        _protector = protector;
        _maxEnvelopeBytes = maxEnvelopeBytes;
    }

    public int MaxEnvelopeBytes => _maxEnvelopeBytes;

    public byte[] Encode(string bucketKey, ClusterEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var buffer = new ArrayBufferWriter<byte>(256 + (envelope.Data?.Length ?? 0) * 4 / 3);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", ClusterEnvelope.SchemaVersion);
            if (envelope.Data is { } data)
            {
                if (_protector is not null)
                {
                    writer.WriteBase64String("data", _protector.Protect(bucketKey, data));
                    writer.WriteString("enc", _protector.CurrentKeyId);
                }
                else
                {
                    writer.WriteBase64String("data", data);
                }

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
            }

            if (envelope.Failure is { } failure)
            {
                writer.WriteString("fail", failure.Length <= MaxFailureLength ? failure : failure[..MaxFailureLength]);
            }

            writer.WriteEndObject();
        }

        if (buffer.WrittenCount > _maxEnvelopeBytes)
        {
            throw new InvalidOperationException(
                $"The value of '{bucketKey}' is {buffer.WrittenCount} bytes in its envelope, more than the {_maxEnvelopeBytes} allowed.");
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

        if (bytes.Length > _maxEnvelopeBytes)
        {
            malformedReason = $"oversized entry ({bytes.Length} bytes, at most {_maxEnvelopeBytes})";
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

    private bool TryDecodeJson(string bucketKey, ReadOnlySpan<byte> bytes, out ClusterEnvelope envelope, out string malformedReason)
    {
        envelope = null!;
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            malformedReason = "not a JSON object";
            return false;
        }

        int? version = null;
        byte[]? data = null;
        string? keyId = null;
        DateTimeOffset? expiresAt = null;
        var hasExpiry = false;
        string? by = null;
        DateTimeOffset? at = null;
        ClusterLease? lease = null;
        string? failure = null;

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
                    version = reader.GetInt32();
                    break;
                case "data":
                    data = reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();
                    break;
                case "enc":
                    keyId = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                case "exp":
                    hasExpiry = true;
                    expiresAt = reader.TokenType == JsonTokenType.Null ? null : FromUnixMs(reader.GetInt64());
                    break;
                case "by":
                    by = reader.GetString();
                    break;
                case "at":
                    at = FromUnixMs(reader.GetInt64());
                    break;
                case "fail":
                    failure = reader.GetString();
                    break;
                case "lease":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (!TryReadLease(ref reader, out lease))
                    {
                        malformedReason = "invalid lease";
                        return false;
                    }

                    break;
                default:
                    // A newer writer may add members; the version number says when that is incompatible.
                    reader.Skip();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            malformedReason = "trailing data after the JSON object";
            return false;
        }

        if (version != ClusterEnvelope.SchemaVersion)
        {
            malformedReason = version is null ? "no schema version" : $"unsupported schema version {version}";
            return false;
        }

        if (data is not null && !hasExpiry)
        {
            malformedReason = "value without expiry";
            return false;
        }

        if (data is not null && keyId is not null)
        {
            if (_protector is null)
            {
                malformedReason = "encrypted value and no decryption key configured";
                return false;
            }

            if (!_protector.TryUnprotect(bucketKey, keyId, data, out var plaintext))
            {
                malformedReason = "encrypted value does not decrypt with the configured keys";
                return false;
            }

            data = plaintext;
        }
        else if (data is not null && _protector is not null)
        {
            // With encryption on, a plain value was not written by us (or was written before
            // encryption was turned on): never trust it.
            malformedReason = "unencrypted value while encryption is required";
            return false;
        }

        envelope = new ClusterEnvelope
        {
            Data = data,
            ExpiresAt = data is null ? null : expiresAt,
            FetchedBy = by,
            FetchedAt = at,
            Lease = lease,
            Failure = failure,
        };
        malformedReason = string.Empty;
        return true;
    }

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

        if (holder is null || token is null || ms is null || ms <= 0 || ms > (long)TimeSpan.FromDays(1).TotalMilliseconds)
        {
            return false;
        }

        lease = new ClusterLease(holder, token, TimeSpan.FromMilliseconds(ms.Value));
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
}
