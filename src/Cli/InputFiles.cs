using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ExpirableStore.Compiler;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace ExpirableStore.Cli;

/// <summary>
/// One input file: where it is, how diagnostics name it, and its folder relative to the directory
/// or glob argument it was found by (empty for a file named directly), which <c>generate</c> keeps.
/// </summary>
internal sealed record InputFile(string FullPath, string DisplayPath, string RelativeDirectory);

/// <summary>
/// Turns the PATH arguments of a command into files: a file as given, a directory searched
/// recursively for <c>*.expirables</c>, or a glob (<c>src/**/*.expirables</c>).
/// </summary>
internal static class InputFiles
{
    public const string Extension = ".expirables";

    private static readonly char[] GlobCharacters = { '*', '?' };

    /// <summary>
    /// Resolves every argument, in order, without duplicates. Files found in one directory or by
    /// one glob are sorted, so the output is the same on every machine.
    /// </summary>
    /// <returns>The files, and one message per argument that names nothing readable.</returns>
    public static (IReadOnlyList<InputFile> Files, IReadOnlyList<string> Problems) Resolve(IReadOnlyList<string> arguments, string currentDirectory)
    {
        var files = new List<InputFile>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Add(string fullPath, string? root)
        {
            if (seen.Add(fullPath))
            {
                var relativeDirectory = root is null ? string.Empty : Path.GetRelativePath(root, Path.GetDirectoryName(fullPath)!);
                files.Add(new InputFile(fullPath, DisplayPath(fullPath, currentDirectory), relativeDirectory == "." ? string.Empty : relativeDirectory));
            }
        }

        foreach (var argument in arguments.Count == 0 ? new[] { "." } : arguments)
        {
            if (string.IsNullOrWhiteSpace(argument))
            {
                problems.Add("an empty path was given");
                continue;
            }

            try
            {
                var fullPath = Path.GetFullPath(argument, currentDirectory);
                if (File.Exists(fullPath))
                {
                    Add(fullPath, null);
                }
                else if (Directory.Exists(fullPath))
                {
                    foreach (var file in SearchDirectory(fullPath))
                    {
                        Add(file, fullPath);
                    }
                }
                else if (argument.IndexOfAny(GlobCharacters) >= 0)
                {
                    var (baseDirectory, matches) = Glob(argument, currentDirectory);
                    if (matches.Count == 0)
                    {
                        problems.Add($"no file matches '{argument}'");
                    }

                    foreach (var file in matches)
                    {
                        Add(file, baseDirectory);
                    }
                }
                else
                {
                    problems.Add($"'{argument}' does not exist");
                }
            }
            catch (Exception exception) when (FileSystemErrors.IsFileSystemError(exception))
            {
                problems.Add($"cannot read '{argument}': {exception.Message}");
            }
        }

        return (files, problems);
    }

    /// <summary>Relative to the current directory when inside it (what CI logs and SARIF want), else absolute.</summary>
    public static string DisplayPath(string fullPath, string currentDirectory)
    {
        var relative = Path.GetRelativePath(currentDirectory, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? fullPath : relative;
    }

    private static string[] SearchDirectory(string directory)
    {
        // Inaccessible subdirectories are an error, not a silent hole in a CI check.
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = false,
            MatchCasing = MatchCasing.PlatformDefault,
            MatchType = MatchType.Simple,
        };
        return Directory.EnumerateFiles(directory, "*" + Extension, options)
            .Where(f => f.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();
    }

    private static (string BaseDirectory, List<string> Matches) Glob(string pattern, string currentDirectory)
    {
        // The glob is split into the folder before its first wildcard and the pattern after it.
        var normalized = pattern.Replace('\\', '/');
        var rooted = Path.IsPathRooted(pattern);
        var segments = normalized.Split('/');
        var firstWild = Array.FindIndex(segments, s => s.IndexOfAny(GlobCharacters) >= 0);
        var baseSegments = segments.Take(firstWild).ToArray();
        var baseText = string.Join("/", baseSegments);
        if (rooted && baseText.Length == 0)
        {
            baseText = "/";
        }

        var baseDirectory = Path.GetFullPath(baseText.Length == 0 ? "." : baseText, currentDirectory);
        if (!Directory.Exists(baseDirectory))
        {
            return (baseDirectory, new List<string>());
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join("/", segments.Skip(firstWild)));
        var result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(baseDirectory)));
        return (baseDirectory, result.Files
            .Select(f => Path.GetFullPath(f.Path, baseDirectory))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList());
    }
}
