using System;
using System.IO;
using System.Text;

namespace ExpirableStore.Compiler;

/// <summary>The text of one <c>.expirables</c> file and the path diagnostics name it by.</summary>
public sealed class SourceFile
{
    /// <summary>Creates a source file from text already in memory.</summary>
    /// <param name="path">The path used in diagnostics and <c>#line</c> directives.</param>
    /// <param name="text">The file's text; a leading byte-order mark is allowed and takes no column.</param>
    public SourceFile(string path, string text)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Text = text ?? throw new ArgumentNullException(nameof(text));
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>The text, without a byte-order mark when read by <see cref="Load"/>.</summary>
    public string Text { get; }

    /// <summary>The file name without directory and extension: <c>Tokens</c> for <c>src/Tokens.expirables</c>.</summary>
    public string FileNameWithoutExtension => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Reads a file as UTF-8, with or without a byte-order mark.</summary>
    public static SourceFile Load(string path)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
        return new SourceFile(path, reader.ReadToEnd());
    }
}
