using System;
using System.IO;
using System.Security;
using System.Text;
using ExpirableStore.Compiler;

namespace ExpirableStore.Cli;

/// <summary>Reads input files as the compiler expects them (UTF-8, with or without a BOM).</summary>
internal static class SourceReader
{
    private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };

    // Strict: a file that is not UTF-8 must not be silently rewritten with replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a file's bytes and decodes them strictly; for the formatter, which writes them back.</summary>
    public static RawSource? TryLoadRaw(InputFile file, CliContext context, out bool notUtf8)
    {
        notUtf8 = false;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullPath);
        }
        catch (Exception exception) when (FileSystemErrors.IsFileSystemError(exception))
        {
            context.Fail($"cannot read '{file.DisplayPath}': {exception.Message}");
            return null;
        }

        var hasBom = bytes.AsSpan().StartsWith(Utf8Bom);
        var offset = hasBom ? Utf8Bom.Length : 0;
        try
        {
            var text = StrictUtf8.GetString(bytes, offset, bytes.Length - offset);
            return new RawSource(new SourceFile(file.DisplayPath, text), bytes, hasBom);
        }
        catch (DecoderFallbackException)
        {
            notUtf8 = true;
            return null;
        }
    }

    /// <summary>The bytes to write for <paramref name="text"/>, keeping the original's BOM choice.</summary>
    public static byte[] Encode(string text, bool withBom)
    {
        var body = StrictUtf8.GetBytes(text);
        if (!withBom)
        {
            return body;
        }

        var bytes = new byte[Utf8Bom.Length + body.Length];
        Utf8Bom.CopyTo(bytes, 0);
        body.CopyTo(bytes, Utf8Bom.Length);
        return bytes;
    }
}

/// <summary>A file as bytes and as text, for rewriting it.</summary>
internal sealed record RawSource(SourceFile Source, byte[] Bytes, bool HasBom);
