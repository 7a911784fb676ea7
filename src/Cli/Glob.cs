using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace ExpirableStore.Cli;

/// <summary>
/// File globs as <c>expirablesc</c> reads them: '/'-separated names where '*' is any characters of
/// one name, '?' exactly one character, and a '**' name any number of folders (none included). No
/// wildcard matches a hidden name (one starting with '.', or marked hidden), so a glob selects what
/// a directory scan would; a name without wildcards is taken as written, hidden or not. Folders
/// reached through symbolic links are not searched by '**', as a directory scan does not follow them.
/// </summary>
internal sealed class Glob
{
    private static readonly StringComparison NameComparison =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string[] _segments;
    private readonly Regex?[] _wildcards;

    private Glob(string baseDirectory, string[] segments)
    {
        BaseDirectory = baseDirectory;
        _segments = segments;
        _wildcards = segments.Select(s => s == "**" || !HasWildcard(s) ? null : ToRegex(s)).ToArray();
    }

    /// <summary>The folder before the first wildcard: what matches are found below, and relative to.</summary>
    public string BaseDirectory { get; }

    public static bool HasWildcard(string text) => text.Contains('*', StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal);

    /// <summary>Splits <paramref name="pattern"/> into the folder before its first wildcard and the names after it.</summary>
    public static Glob Parse(string pattern, string currentDirectory)
    {
        var root = Path.IsPathRooted(pattern) ? Path.GetPathRoot(pattern)! : string.Empty;
        var names = pattern.Substring(root.Length).Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var firstWild = Array.FindIndex(names, HasWildcard);
        var literal = string.Join("/", names.Take(firstWild));
        var baseDirectory = Path.GetFullPath(root + (literal.Length == 0 && root.Length == 0 ? "." : literal), currentDirectory);
        return new Glob(baseDirectory, names.Skip(firstWild).ToArray());
    }

    /// <summary>The matching files' full paths, in ordinal order.</summary>
    public List<string> Files()
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(BaseDirectory))
        {
            Match(new DirectoryInfo(BaseDirectory), 0, found);
        }

        return found.OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    private void Match(DirectoryInfo directory, int index, HashSet<string> found)
    {
        var segment = _segments[index];
        var last = index == _segments.Length - 1;
        if (segment == "**")
        {
            if (last)
            {
                // A trailing '**' is every (visible) file below.
                foreach (var file in Visible(directory).OfType<FileInfo>())
                {
                    found.Add(file.FullName);
                }
            }
            else
            {
                Match(directory, index + 1, found);
            }

            foreach (var sub in Visible(directory).OfType<DirectoryInfo>().Where(d => d.LinkTarget is null))
            {
                Match(sub, index, found);
            }

            return;
        }

        if (_wildcards[index] is not { } wildcard)
        {
            var path = Path.Combine(directory.FullName, segment);
            if (last && File.Exists(path))
            {
                found.Add(Path.GetFullPath(path));
            }
            else if (!last && Directory.Exists(path))
            {
                Match(new DirectoryInfo(path), index + 1, found);
            }

            return;
        }

        foreach (var entry in Visible(directory).Where(e => wildcard.IsMatch(e.Name)))
        {
            if (last && entry is FileInfo)
            {
                found.Add(entry.FullName);
            }
            else if (!last && entry is DirectoryInfo sub)
            {
                Match(sub, index + 1, found);
            }
        }
    }

    // Entries a wildcard may match. Inaccessible folders are an error, not a silent hole in a CI check.
    private static IEnumerable<FileSystemInfo> Visible(DirectoryInfo directory) =>
        directory.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
            .Where(e => !e.Name.StartsWith('.'));

    private static Regex ToRegex(string segment)
    {
        var pattern = new StringBuilder("^");
        foreach (var c in segment)
        {
            pattern.Append(c switch
            {
                '*' => "[^/]*",
                '?' => "[^/]",
                _ => Regex.Escape(c.ToString()),
            });
        }

        var options = RegexOptions.CultureInvariant | (NameComparison == StringComparison.OrdinalIgnoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        return new Regex(pattern.Append('$').ToString(), options);
    }
}
