using System;
using System.IO;
using System.Text;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler.Emit;

/// <summary>
/// Writes generated files the way incremental builds need: an unchanged output keeps its timestamp
/// (so the C# compiler is not rerun), and a changed one is replaced whole (never left truncated).
/// Shared by the MSBuild task, <c>expirablesc generate</c> and <c>expirablesc format</c>.
/// </summary>
public static class GeneratedFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Like <see cref="WriteIfChanged(string, string)"/>; when the file system refuses, returns false with the one
    /// EXP0904 diagnostic every host reports.
    /// </summary>
    public static bool TryWriteIfChanged(string path, string text, out bool written, out Diagnostic? error) =>
        TryWriteIfChanged(path, Utf8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), out written, out error);

    /// <summary>
    /// Writes <paramref name="bytes"/> unless the file already holds exactly them (the formatter
    /// rewriting a source file in its own encoding); when the file system refuses, returns false
    /// with the one EXP0904 diagnostic every host reports.
    /// </summary>
    public static bool TryWriteIfChanged(string path, byte[] bytes, out bool written, out Diagnostic? error) =>
        FileSystemErrors.Try(() => WriteIfChanged(path, bytes), reason => DiagnosticBuilder.ForFile(path).CannotWrite(reason), out written, out error);

    /// <summary>
    /// Creates <paramref name="path"/> empty, or sets its time to now: a stamp that tells an
    /// incremental build the file it stands for is up to date. Returns false with EXP0904 when the
    /// file system refuses.
    /// </summary>
    public static bool TryTouch(string path, out Diagnostic? error) =>
        FileSystemErrors.Try(() => Touch(path), reason => DiagnosticBuilder.ForFile(path).CannotWrite(reason), out _, out error);

    private static bool Touch(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, Array.Empty<byte>());
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        return true;
    }

    /// <summary>Writes <paramref name="text"/> unless the file already holds exactly it; returns whether it wrote.</summary>
    public static bool WriteIfChanged(string path, string text) =>
        WriteIfChanged(path, Utf8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    private static bool WriteIfChanged(string path, byte[] bytes)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (BytesEqual(existing, bytes))
            {
                return false;
            }
        }

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Write beside and move, so that a build killed half-way never leaves a truncated file
        // that a later build would take for up to date; unique, because an IDE's design-time
        // build may run beside a real one.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            File.Move(temporary, path);
        }
        catch (IOException) when (File.Exists(path) && BytesEqual(File.ReadAllBytes(path), bytes))
        {
            // Another build (an IDE's design-time build) wrote the same text first.
            return false;
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return true;
    }

    private static bool BytesEqual(byte[] left, byte[] right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i])
            {
                return false;
            }
        }

        return true;
    }
}
