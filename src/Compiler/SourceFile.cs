using System;
using System.IO;
using System.Text;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler;

/// <summary>The text of one <c>.expirables</c> file and the path diagnostics name it by.</summary>
public sealed class SourceFile
{
    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Encoding _encoding;

    /// <summary>Creates a source file from text already in memory.</summary>
    /// <param name="path">The path used in diagnostics and <c>#line</c> directives.</param>
    /// <param name="text">The file's text; a leading byte-order mark is allowed and takes no column.</param>
    public SourceFile(string path, string text)
        : this(path, text, Utf8WithoutBom)
    {
    }

    private SourceFile(string path, string text, Encoding encoding)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Text = text ?? throw new ArgumentNullException(nameof(text));
        _encoding = encoding;
    }

    /// <summary>The path as given: what diagnostics name the file by.</summary>
    public string Path { get; }

    /// <summary>The text, without a byte-order mark when read by <see cref="Load(string, string)"/>.</summary>
    public string Text { get; }

    /// <summary>The file name without directory and extension: <c>Tokens</c> for <c>src/Tokens.expirables</c>.</summary>
    public string FileNameWithoutExtension => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Reads a file; diagnostics name it by <paramref name="path"/>.</summary>
    public static SourceFile Load(string path) => Load(path, path);

    /// <summary>
    /// Reads a file as UTF-8, with or without a byte-order mark. Diagnostics name it by
    /// <paramref name="displayPath"/> (the MSBuild task: the full path; the CLI: the path relative
    /// to the current directory). Throws what the file system throws; see <see cref="TryLoad"/>.
    /// </summary>
    public static SourceFile Load(string path, string displayPath)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        using var reader = new StreamReader(path, Utf8WithoutBom, detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();
        return new SourceFile(displayPath, text, reader.CurrentEncoding);
    }

    /// <summary>
    /// Reads a file like <see cref="Load(string, string)"/>; when the file system refuses (missing,
    /// no permission, a folder), returns false with the one EXP0903 diagnostic every host reports.
    /// </summary>
    public static bool TryLoad(string path, string displayPath, out SourceFile? source, out Diagnostic? error)
    {
        try
        {
            source = Load(path, displayPath);
            error = null;
            return true;
        }
        catch (Exception exception) when (FileSystemErrors.IsFileSystemError(exception))
        {
            source = null;
            error = DiagnosticBuilder.ForFile(displayPath).CannotRead(exception.Message);
            return false;
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
}
