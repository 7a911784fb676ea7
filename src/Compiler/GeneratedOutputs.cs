using System;
using System.Collections.Generic;
using System.IO;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler;

/// <summary>
/// Where generated files go, for every host: the output of <c>Tokens.expirables</c> is
/// <c>Tokens.g.cs</c>, in the output folder plus the source's folder relative to where it was
/// found (MSBuild's <c>%(RecursiveDir)</c>; the CLI's directory or glob argument), so that files of
/// the same name in different folders do not overwrite each other.
/// </summary>
public static class GeneratedOutputs
{
    /// <summary>The extension of a generated file.</summary>
    public const string Extension = ".g.cs";

    /// <summary>The generated file's name for a source: <c>Tokens.g.cs</c> for <c>src/Tokens.expirables</c>.</summary>
    public static string FileNameFor(string sourcePath) =>
        Path.GetFileNameWithoutExtension(sourcePath ?? throw new ArgumentNullException(nameof(sourcePath))) + Extension;

    /// <summary>
    /// The generated file's full path: <paramref name="outputDirectory"/>, then
    /// <paramref name="relativeDirectory"/> (may be empty), then <see cref="FileNameFor"/>.
    /// </summary>
    public static string PathFor(string sourcePath, string outputDirectory, string? relativeDirectory) =>
        Path.GetFullPath(Path.Combine(outputDirectory, relativeDirectory ?? string.Empty, FileNameFor(sourcePath)));

    /// <summary>
    /// EXP0902 for every source whose output is also the output of an earlier source (in the
    /// order given), naming both. Paths are compared ignoring case: a project is built on
    /// case-insensitive file systems too.
    /// </summary>
    public static IReadOnlyList<Diagnostic> FindClashes(IEnumerable<(string SourcePath, string OutputPath)> outputs)
    {
        if (outputs is null)
        {
            throw new ArgumentNullException(nameof(outputs));
        }

        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var clashes = new List<Diagnostic>();
        foreach (var (source, output) in outputs)
        {
            var full = Path.GetFullPath(output);
            if (owners.TryGetValue(full, out var owner))
            {
                clashes.Add(DiagnosticBuilder.ForFile(source).OutputClash(owner, full));
            }
            else
            {
                owners.Add(full, source);
            }
        }

        return clashes;
    }
}
