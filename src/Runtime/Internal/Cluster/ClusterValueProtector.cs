using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace ExpirableStore.Internal.Cluster;

/// <summary>
/// Optional encryption at rest of the values in the bucket: AES-GCM with a fresh nonce per write;
/// the key name is authenticated with the value, so a value copied under another key does not
/// decrypt. The envelope names the key by a short fingerprint, so keys can be rotated: the first
/// key encrypts, every key decrypts.
/// </summary>
internal sealed class ClusterValueProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly (string Id, byte[] Key)[] _keys;

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
            if (key is null || (key.Length != 16 && key.Length != 24 && key.Length != 32))
            {
                throw new ArgumentException("An AES-GCM key must be 16, 24 or 32 bytes long.", nameof(keys));
            }

            _keys[i] = (KeyIdOf(key), (byte[])key.Clone());
        }
    }

    /// <summary>The id written with every value this protector encrypts.</summary>
    public string CurrentKeyId => _keys[0].Id;

    /// <summary>A short fingerprint of a key: names it in the envelope without revealing it.</summary>
    public static string KeyIdOf(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    public byte[] Protect(string bucketKey, ReadOnlySpan<byte> plaintext)
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
            AssociatedData(bucketKey));
        return output;
    }

    /// <summary>Decrypts; false when the key id is unknown or the data does not authenticate (wrong key, tampered, moved).</summary>
    public bool TryUnprotect(string bucketKey, string keyId, ReadOnlySpan<byte> protectedData, out byte[] plaintext)
    {
        plaintext = [];
        if (protectedData.Length < NonceSize + TagSize)
        {
            return false;
        }

        foreach (var (id, key) in _keys)
        {
            if (!string.Equals(id, keyId, StringComparison.Ordinal))
            {
                continue;
            }

            var length = protectedData.Length - NonceSize - TagSize;
            var output = new byte[length];
            try
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(
                    protectedData[..NonceSize],
                    protectedData.Slice(NonceSize, length),
                    protectedData.Slice(NonceSize + length, TagSize),
                    output,
                    AssociatedData(bucketKey));
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }

            plaintext = output;
            return true;
        }

        return false;
    }

    private static byte[] AssociatedData(string bucketKey) => Encoding.UTF8.GetBytes("expirables/v1/" + bucketKey);
}
