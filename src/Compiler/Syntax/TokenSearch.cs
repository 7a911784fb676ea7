using System.Collections.Generic;
using Antlr4.Runtime;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>Finding tokens by offset in a list of tokens in file order.</summary>
internal static class TokenSearch
{
    /// <summary>The index of the first token that starts at or after <paramref name="offset"/> (the count when none does).</summary>
    public static int FirstStartingAtOrAfter(IReadOnlyList<IToken> tokens, int offset)
    {
        var low = 0;
        var high = tokens.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (tokens[middle].StartIndex < offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
