using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// Encryption at rest of the values in the bucket: AES-GCM with a fresh nonce per write. The
/// associated data is the bucket key and the envelope's whole header (expiry, who fetched it, lease,
/// end of the last fetch), so no field can be edited and a payload copied under another key or beside
/// another header does not open. Keys are named by a short fingerprint: the current key seals, the
/// current and the previous keys open (rolling rotation without refetching).
/// </summary>
internal sealed class ClusterValueProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] AssociatedDataPrefix = Encoding.UTF8.GetBytes("expirables/v2\n");

    private readonly (string Id, byte[] Key)[] _keys;

    /// <param name="keys">The current key first, then the previous keys (16, 24 or 32 bytes each).</param>
    public ClusterValueProtector(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one encryption key is required.", nameof(keys));
        }

        _keys = new (string, byte[])[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (!IsValidKeyLength(key))
            {
                throw new ArgumentException("An AES-GCM key must be 16, 24 or 32 bytes long.", nameof(keys));
            }

            _keys[i] = (KeyIdOf(key), (byte[])key.Clone());
        }
    }

    /// <summary>The id written with every payload this protector seals.</summary>
    public string CurrentKeyId => _keys[0].Id;

    public static bool IsValidKeyLength(byte[]? key) => key is { Length: 16 or 24 or 32 };

    /// <summary>A short fingerprint of a key: names it in the envelope without revealing it.</summary>
    public static string KeyIdOf(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>True when one of the keys has this id (a payload under another id is foreign, not tampered).</summary>
    public bool HasKey(string keyId)
    {
        foreach (var (id, _) in _keys)
        {
            if (string.Equals(id, keyId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Seals <paramref name="plaintext"/> with the current key: <c>nonce | ciphertext | tag</c>.</summary>
    public byte[] Seal(string bucketKey, ReadOnlySpan<byte> header, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[0].Key, TagSize);
        aes.Encrypt(
            nonce,
            plaintext,
            output.AsSpan(NonceSize, plaintext.Length),
            output.AsSpan(NonceSize + plaintext.Length, TagSize),
            AssociatedData(bucketKey, header));
        return output;
    }

    /// <summary>Opens a sealed payload; false when no key with that id opens it (wrong key, tampered, moved).</summary>
    public bool TryOpen(string bucketKey, string keyId, ReadOnlySpan<byte> header, ReadOnlySpan<byte> sealedPayload, out byte[] plaintext)
    {
        plaintext = [];
        if (sealedPayload.Length < NonceSize + TagSize)
        {
            return false;
        }

        var associatedData = AssociatedData(bucketKey, header);
        var length = sealedPayload.Length - NonceSize - TagSize;
        foreach (var (id, key) in _keys)
        {
            // Fingerprints may collide: try every key with this id.
            if (!string.Equals(id, keyId, StringComparison.Ordinal))
            {
                continue;
            }

            var output = new byte[length];
            try
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(
                    sealedPayload[..NonceSize],
                    sealedPayload.Slice(NonceSize, length),
                    sealedPayload.Slice(NonceSize + length, TagSize),
                    output,
                    associatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                continue;
            }

            plaintext = output;
            return true;
        }

        return false;
    }

    private static byte[] AssociatedData(string bucketKey, ReadOnlySpan<byte> header)
    {
        var keyBytes = Encoding.UTF8.GetByteCount(bucketKey);
        var data = new byte[AssociatedDataPrefix.Length + keyBytes + 1 + header.Length];
        AssociatedDataPrefix.CopyTo(data, 0);
        Encoding.UTF8.GetBytes(bucketKey, data.AsSpan(AssociatedDataPrefix.Length));
        data[AssociatedDataPrefix.Length + keyBytes] = (byte)'\n';
        header.CopyTo(data.AsSpan(AssociatedDataPrefix.Length + keyBytes + 1));
        return data;
    }
}
