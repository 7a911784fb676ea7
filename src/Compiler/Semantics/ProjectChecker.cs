using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>
/// The checks across the files that are compiled together (an MSBuild project, the files of one
/// <c>expirablesc</c> run; one file alone is a project of one): C# cannot declare two classes of
/// the same full name, nor a class and a namespace of the same full name (CS0101), nor open a class
/// as a namespace (CS0138). Each clash is one EXP0107 at the file whose class is in the way, after
/// the first file of that name in the order given.
/// </summary>
internal static class ProjectChecker
{
    public static List<Diagnostic>[] Check(IReadOnlyList<(string FilePath, ClassIdentity? Identity)> files)
    {
        var diagnostics = new List<Diagnostic>[files.Count];
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);

        // Every namespace a file declares or opens, with the first file that does and how.
        var namespaces = new Dictionary<string, (int File, string How)>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            diagnostics[i] = new List<Diagnostic>();
            if (files[i].Identity is not { } identity)
            {
                continue;
            }

            if (identity.Namespace is { } own)
            {
                AddWithPrefixes(namespaces, own, i, "declares");
            }

            foreach (var open in identity.Opens)
            {
                AddWithPrefixes(namespaces, open, i, "opens");
            }
        }

        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].Identity is not { } identity)
            {
                continue;
            }

            var at = DiagnosticBuilder.At(files[i].FilePath, identity.Span);
            var fullName = identity.FullName;
            if (classes.TryGetValue(fullName, out var first))
            {
                diagnostics[i].Add(at.ClassNameClash(fullName, files[first].FilePath));
            }
            else if (namespaces.TryGetValue(fullName, out var user))
            {
                classes.Add(fullName, i);
                diagnostics[i].Add(at.ClassNameIsNamespace(fullName, user.File == i ? null : files[user.File].FilePath, user.How));
            }
            else
            {
                classes.Add(fullName, i);
            }
        }

        return diagnostics;
    }

    // 'A.B.C' declares the namespaces A, A.B and A.B.C.
    private static void AddWithPrefixes(Dictionary<string, (int File, string How)> namespaces, string name, int file, string how)
    {
        for (var dot = name.IndexOf('.'); ; dot = name.IndexOf('.', dot + 1))
        {
            var prefix = dot < 0 ? name : name.Substring(0, dot);
            if (!namespaces.ContainsKey(prefix))
            {
                namespaces.Add(prefix, (file, how));
            }

            if (dot < 0)
            {
                return;
            }
        }
    }
}
