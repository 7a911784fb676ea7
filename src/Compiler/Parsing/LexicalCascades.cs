using System;
using System.Collections.Generic;
using System.Linq;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler.Parsing;

/// <summary>
/// One mistake, one diagnostic: the text that a lexical diagnostic (EXP0002) accounts for, where
/// any other diagnostic, a syntax error the parser stumbles into or a check on a half-read name or
/// duration, is the same mistake again and is left out.
/// </summary>
internal sealed class LexicalCascades
{
    private readonly (int Start, int End)[] _ranges;

    public LexicalCascades(IEnumerable<(int Start, int End)> ranges) =>
        _ranges = ranges.OrderBy(r => r.Start).ToArray();

    /// <summary>The diagnostics that are not a lexical diagnostic's mistake reported again.</summary>
    public IEnumerable<Diagnostic> Without(IEnumerable<Diagnostic> diagnostics) =>
        _ranges.Length == 0 ? diagnostics : diagnostics.Where(d => !IsCascade(d));

    private bool IsCascade(Diagnostic diagnostic)
    {
        if (diagnostic.Offset < 0 || diagnostic.Code == "EXP0002")
        {
            return false;
        }

        // The last range starting at or before the offset; ranges do not overlap much, so look back a little.
        var index = Array.BinarySearch(_ranges, (diagnostic.Offset, int.MaxValue), Comparer<(int Start, int End)>.Create((a, b) => a.Start.CompareTo(b.Start)));
        index = index < 0 ? ~index - 1 : index;
        for (var i = index; i >= 0 && i > index - 4; i--)
        {
            if (diagnostic.Offset >= _ranges[i].Start && diagnostic.Offset < _ranges[i].End)
            {
                return true;
            }
        }

        return false;
    }
}
