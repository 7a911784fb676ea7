using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExpirableStore.Internal;

/// <summary>
/// Writes a runtime key of a keyed expirable as one token of a NATS subject: the last part of its bucket key
/// <c>&lt;module&gt;.&lt;name&gt;.&lt;token&gt;</c>. Injective for each key type, and the token only ever holds
/// ASCII letters, digits and <c>-_/</c> (never a dot: the token is one subject token, so a prefix of
/// <c>&lt;module&gt;.&lt;name&gt;.</c> matches exactly the keys of that expirable). The rules (docs/cluster.md):
/// <list type="bullet">
/// <item>string (and char): ASCII letters, digits and <c>-</c> as they are; any other UTF-16 code unit below
/// U+0100 as <c>_XX</c>, any other as <c>/XXXX</c> (uppercase hex; dot, space, <c>_</c>, <c>/</c> and every
/// non-ASCII character are escaped, lone surrogates too, so no two strings meet); the empty string as <c>_</c>.
/// A token longer than <see cref="MaxTokenLength"/> becomes <c>__</c> + the SHA-256 of the string's UTF-16
/// code units in hex (66 characters; <c>__</c> never appears in an escaped token).</item>
/// <item>Guid: <c>D</c> format, lowercase. Integers (8 to 128 bits, signed and unsigned): invariant decimal.
/// Enums: their underlying integer. bool: <c>true</c>/<c>false</c>.</item>
/// </list>
/// Other key types work in scope local; scope cluster refuses them when the module is constructed.
/// </summary>
internal static class KeyEncoding
{
    /// <summary>The longest token written as it is; longer ones are hashed.</summary>
    public const int MaxTokenLength = 128;

    /// <summary>Whether keys of <paramref name="keyType"/> have an encoding (scope cluster needs one).</summary>
    public static bool IsSupported(Type keyType)
    {
        ArgumentNullException.ThrowIfNull(keyType);
        var type = keyType.IsEnum ? Enum.GetUnderlyingType(keyType) : keyType;
        return type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(bool)
            || type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
            || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
            || type == typeof(Int128) || type == typeof(UInt128);
    }

    /// <summary>The token of <paramref name="key"/>; for a type without an encoding, its string form escaped (names in logs only).</summary>
    public static string Encode(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        switch (key)
        {
            case string text:
                return EncodeString(text);
            case char c:
                return EncodeString(c.ToString());
            case Guid guid:
                return guid.ToString("D", CultureInfo.InvariantCulture);
            case bool flag:
                return flag ? "true" : "false";
            case Enum:
                return Convert.ChangeType(key, Enum.GetUnderlyingType(key.GetType()), CultureInfo.InvariantCulture) is IFormattable underlying
                    ? underlying.ToString(null, CultureInfo.InvariantCulture)
                    : EncodeString(key.ToString() ?? string.Empty);
            case IFormattable number when IsSupported(key.GetType()):
                return number.ToString(null, CultureInfo.InvariantCulture);
            default:
                return EncodeString(key.ToString() ?? string.Empty);
        }
    }

    /// <summary>The token of a string (see the class).</summary>
    public static string EncodeString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-')
            {
                builder.Append(c);
            }
            else if (c < 0x100)
            {
                builder.Append('_').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append('/').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }

            if (builder.Length > MaxTokenLength)
            {
                return Hashed(text);
            }
        }

        return builder.ToString();
    }

    private static string Hashed(string text)
    {
        // The code units themselves, little-endian on every machine: no encoder replaces a lone surrogate.
        var units = new byte[text.Length * 2];
        for (var i = 0; i < text.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(units.AsSpan(i * 2), text[i]);
        }

        return "__" + Convert.ToHexString(SHA256.HashData(units));
    }
}
