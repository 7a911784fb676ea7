using System.Collections.Generic;
using Antlr4.Runtime;

namespace ExpirableStore.Compiler.Parsing.Internal;

/// <summary>
/// A <see cref="CommonTokenStream"/> whose token list starts at about the size the text needs, so
/// that filling it for a large file does not copy a growing large-object array over and over.
/// </summary>
internal sealed class PresizedTokenStream : CommonTokenStream
{
    // A typical file has one token (white space included) per four or five characters.
    private const int CharactersPerToken = 4;

    public PresizedTokenStream(ITokenSource tokenSource, int textLength)
        : base(tokenSource)
    {
        tokens = new List<IToken>((textLength / CharactersPerToken) + 16);
    }
}
