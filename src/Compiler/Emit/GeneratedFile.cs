using System;
using System.IO;
using System.Text;

namespace ExpirableStore.Compiler.Emit;

/// <summary>
/// Writes generated files the way incremental builds need: an unchanged output keeps its timestamp
/// (so the C# compiler is not rerun), and a changed one is replaced whole (never left truncated).
/// Shared by the MSBuild task and <c>expirablesc generate</c>.
/// </summary>
public static class GeneratedFile
{
    /// <summary>Writes <paramref name="text"/> unless the file already holds exactly it; returns whether it wrote.</summary>
    public static bool WriteIfChanged(string path, string text)
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var bytes = encoding.GetBytes(text);
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
