using System;
using System.IO;
using System.Threading.Tasks;

namespace ExpirableStore.Tests.Support;

/// <summary>
/// A new folder under the system's temporary folder, deleted with everything in it on
/// <see cref="Dispose"/>. Every test that touches the file system works in one of these.
/// </summary>
public sealed class TempDirectory : IDisposable, IAsyncDisposable
{
    /// <param name="prefix">The start of the folder's name, so that a leftover one says which tests made it.</param>
    public TempDirectory(string prefix = "expirables-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The full path of <paramref name="relativePath"/> in this folder.</summary>
    public string PathOf(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>Writes a UTF-8 text file (creating its folders) and returns its full path.</summary>
    public string Write(string relativePath, string text)
    {
        var full = PathOf(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    /// <summary>Writes a file's bytes (creating its folders) and returns its full path.</summary>
    public string WriteBytes(string relativePath, byte[] bytes)
    {
        var full = PathOf(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    /// <summary>Copies a file in (by default under its own name) and returns the copy's full path.</summary>
    public string Copy(string source, string? relativePath = null)
    {
        var target = PathOf(relativePath ?? System.IO.Path.GetFileName(source));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
        return target;
    }

    /// <summary>Copies a folder's files, with their subfolders, into <paramref name="relativePath"/> (default: this folder).</summary>
    public string CopyDirectory(string source, string relativePath = "")
    {
        var destination = PathOf(relativePath);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return destination;
    }

    /// <summary>
    /// A path that exists and names a file, but whose reading fails for any user, root included:
    /// a file without permissions, or (when this process can read even that, as root can) Linux's
    /// <c>/proc/self/mem</c>, whose first page is never mapped.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public string UnreadableFile(string relativePath)
    {
        var file = Write(relativePath, "expirable a < fetch S.A >\n");
        File.SetUnixFileMode(file, UnixFileMode.None);
        try
        {
            File.ReadAllBytes(file);
        }
        catch (UnauthorizedAccessException)
        {
            return file;
        }

        return "/proc/self/mem";
    }

    /// <summary>As <see cref="Dispose"/>, for <c>await using</c>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Deletes the folder; one that cannot be deleted (a file still open) is left behind, not a test failure.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
