using System;
using System.Globalization;
using System.IO;
using System.Text;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler;

/// <summary>The text of one <c>.expirables</c> file and the path diagnostics name it by.</summary>
/// <remarks>
/// Files are UTF-8, with or without a byte-order mark; a file that starts with a UTF-16 or UTF-32
/// byte-order mark is read in that encoding, as the C# compiler reads it. A file that is not text in
/// its encoding (bytes that are not UTF-8, or NUL bytes without a byte-order mark, as in UTF-16
/// without one) has exactly one diagnostic, EXP0005 at its first unreadable byte, for every host
/// and command: it is not checked, generated or formatted until it is saved as UTF-8.
/// </remarks>
public sealed class SourceFile
{
    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Encoding _encoding;

    /// <summary>Creates a source file from text already in memory.</summary>
    /// <param name="path">The path used in diagnostics and <c>#line</c> directives.</param>
    /// <param name="text">The file's text; a leading byte-order mark is allowed and takes no column.</param>
    public SourceFile(string path, string text)
        : this(path, text, Utf8WithoutBom, null)
    {
    }

    private SourceFile(string path, string text, Encoding encoding, Diagnostic? decodingError)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Text = text ?? throw new ArgumentNullException(nameof(text));
        _encoding = encoding;
        DecodingError = decodingError;
    }

    /// <summary>The path as given: what diagnostics name the file by.</summary>
    public string Path { get; }

    /// <summary>The text, without a byte-order mark when read by <see cref="Load(string, string)"/>.</summary>
    public string Text { get; }

    /// <summary>The file name without directory and extension: <c>Tokens</c> for <c>src/Tokens.expirables</c>.</summary>
    public string FileNameWithoutExtension => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>EXP0005 when the file's bytes are not text in its encoding; then it is the file's only diagnostic.</summary>
    internal Diagnostic? DecodingError { get; }

    /// <summary>Reads a file; diagnostics name it by <paramref name="path"/>.</summary>
    public static SourceFile Load(string path) => Load(path, path);

    /// <summary>
    /// Reads a file (see the remarks on <see cref="SourceFile"/> for encodings). Diagnostics name it
    /// by <paramref name="displayPath"/> (the MSBuild task: the full path; the CLI: the path relative
    /// to the current directory). Throws what the file system throws; see <see cref="TryLoad"/>.
    /// </summary>
    public static SourceFile Load(string path, string displayPath)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        return FromBytes(displayPath, File.ReadAllBytes(path));
    }

    /// <summary>
    /// Reads a file like <see cref="Load(string, string)"/>; when the file system refuses (missing,
    /// no permission, a folder), returns false with the one EXP0903 diagnostic every host reports.
    /// </summary>
    public static bool TryLoad(string path, string displayPath, out SourceFile? source, out Diagnostic? error) =>
        FileSystemErrors.Try(() => Load(path, displayPath), reason => DiagnosticBuilder.ForFile(displayPath).CannotRead(reason), out source, out error);

    /// <summary>A file's bytes (from disk, from standard input) as a source file, with the rules of <see cref="Load(string, string)"/>.</summary>
    public static SourceFile FromBytes(string displayPath, byte[] bytes)
    {
        if (displayPath is null)
        {
            throw new ArgumentNullException(nameof(displayPath));
        }

        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        var (encoding, strict, name, bomLength) = DetectEncoding(bytes);
        var count = bytes.Length - bomLength;
        if (bomLength == 0 && Array.IndexOf(bytes, (byte)0) >= 0)
        {
            // UTF-8 text never holds a NUL byte; text in UTF-16 without a byte-order mark is full of them.
            var lenient = Utf8WithoutBom.GetString(bytes);
            return new SourceFile(displayPath, lenient, encoding, DiagnosticBuilder.At(displayPath, ExpirablesCompiler.StartOfFile).NulBytes());
        }

        try
        {
            return new SourceFile(displayPath, strict.GetString(bytes, bomLength, count), encoding, null);
        }
        catch (DecoderFallbackException exception)
        {
            var lenient = encoding.GetString(bytes, bomLength, count);
            var readable = encoding.GetString(bytes, bomLength, Math.Max(0, Math.Min(exception.Index, count))).Length;
            var span = new LineMap(lenient).Span(readable, readable + 1);
            var unreadable = exception.BytesUnknown is { Length: > 0 } unknown ? unknown[0] : bytes[bomLength + exception.Index];
            var error = DiagnosticBuilder.At(displayPath, span).NotValidText(name, "0x" + unreadable.ToString("X2", CultureInfo.InvariantCulture));
            return new SourceFile(displayPath, lenient, encoding, error);
        }
    }

    /// <summary>
    /// The bytes to write <paramref name="text"/> back to this file with: the encoding it was read
    /// in, with a byte-order mark exactly when it had one (UTF-8 without one for text from memory).
    /// </summary>
    public byte[] Encode(string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        var preamble = _encoding.GetPreamble();
        var body = _encoding.GetBytes(text);
        if (preamble.Length == 0)
        {
            return body;
        }

        var bytes = new byte[preamble.Length + body.Length];
        preamble.CopyTo(bytes, 0);
        body.CopyTo(bytes, preamble.Length);
        return bytes;
    }

    // The encoding a byte-order mark announces (UTF-32's before UTF-16's, whose mark starts it), else UTF-8.
    private static (Encoding Encoding, Encoding Strict, string Name, int BomLength) DetectEncoding(byte[] b)
    {
        if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)
        {
            return (new UTF32Encoding(false, true), new UTF32Encoding(false, true, true), "UTF-32", 4);
        }

        if (b.Length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)
        {
            return (new UTF32Encoding(true, true), new UTF32Encoding(true, true, true), "UTF-32", 4);
        }

        if (b.Length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        {
            return (new UTF8Encoding(true), new UTF8Encoding(true, true), "UTF-8", 3);
        }

        if (b.Length >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        {
            return (new UnicodeEncoding(false, true), new UnicodeEncoding(false, true, true), "UTF-16", 2);
        }

        if (b.Length >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        {
            return (new UnicodeEncoding(true, true), new UnicodeEncoding(true, true, true), "UTF-16", 2);
        }

        return (Utf8WithoutBom, new UTF8Encoding(false, true), "UTF-8", 0);
    }
}
