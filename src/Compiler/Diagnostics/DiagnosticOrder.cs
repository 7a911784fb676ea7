using System;
using System.Collections.Generic;
using System.Linq;

namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>The one order diagnostics are reported in: by line, then column, then the order found.</summary>
internal static class DiagnosticOrder
{
    public static Diagnostic[] Sort(IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics as IReadOnlyCollection<Diagnostic> ?? diagnostics.ToList();
        if (list.Count == 0)
        {
            return Array.Empty<Diagnostic>();
        }

        // OrderBy is stable: diagnostics at the same position keep the order they were found in.
        return list.OrderBy(d => d.Line).ThenBy(d => d.Column).ToArray();
    }
}
