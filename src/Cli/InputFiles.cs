using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ExpirableStore.Compiler;

namespace ExpirableStore.Cli;

/// <summary>
/// One input file: where it is, how diagnostics name it, and its folder relative to the directory
/// or glob argument it was found by (empty for a file named directly), which <c>generate</c> keeps.
/// Standard input ('-') has the name <c>--stdin-name</c> gives it, or <c>&lt;stdin&gt;</c>.
/// </summary>
internal sealed record InputFile(string FullPath, string DisplayPath, string RelativeDirectory, bool IsStandardInput = false);

/// <summary>
/// Turns the PATH arguments of a command into files: a file as given, a directory searched
/// recursively for <c>*.expirables</c> (hidden folders and files skipped), or a glob
/// (<c>src/**/*.expirables</c>, see <see cref="Glob"/>).
/// </summary>
internal static class InputFiles
{
    public const string Extension = ".expirables";

    /// <summary>The path argument that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>What diagnostics call standard input when <c>--stdin-name</c> gives no name.</summary>
    public const string StandardInputName = "<stdin>";

    /// <summary>
    /// <see cref="Resolve"/>, with every problem reported; false (bad usage) when there was one.
    /// </summary>
    public static bool TryResolve(CliContext context, IReadOnlyList<string> arguments, string? standardInputName, out IReadOnlyList<InputFile> files)
    {
        var (resolved, problems) = Resolve(arguments, context.CurrentDirectory, standardInputName);
        foreach (var problem in problems)
        {
            context.Fail(problem);
        }

        files = resolved;
        return problems.Count == 0;
    }

    /// <summary>
    /// Resolves every argument, in order, without duplicates. Files found in one directory or by
    /// one glob are sorted, so the output is the same on every machine.
    /// </summary>
    /// <returns>The files, and one message per argument that names nothing readable.</returns>
    public static (IReadOnlyList<InputFile> Files, IReadOnlyList<string> Problems) Resolve(IReadOnlyList<string> arguments, string currentDirectory, string? standardInputName = null)
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

            if (argument == StandardInput)
            {
                if (seen.Add(StandardInput))
                {
                    var name = string.IsNullOrEmpty(standardInputName) ? StandardInputName : standardInputName!;
                    var full = name == StandardInputName ? name : Path.GetFullPath(name, currentDirectory);
                    files.Add(new InputFile(full, name, string.Empty, IsStandardInput: true));
                }

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
                else if (Glob.HasWildcard(argument))
                {
                    var glob = Glob.Parse(argument, currentDirectory);
                    var matches = glob.Files();
                    if (matches.Count == 0)
                    {
                        problems.Add($"no file matches '{argument}'");
                    }

                    foreach (var file in matches)
                    {
                        Add(file, glob.BaseDirectory);
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
}
