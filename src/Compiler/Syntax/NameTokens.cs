using ExpirableStore.Compiler.Parsing.Internal;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>
/// Which tokens are names: identifiers, escaped ones, and version 2's contextual keywords
/// (<c>key</c>, <c>state</c>, <c>required</c>), which are names wherever the grammar reads a name
/// (its rule <c>identifier</c>).
/// </summary>
internal static class NameTokens
{
    public static bool IsName(int tokenType) =>
        tokenType is ExpirablesLexer.IDENTIFIER or ExpirablesLexer.ESCAPED_IDENTIFIER or ExpirablesLexer.KEY or ExpirablesLexer.STATE or ExpirablesLexer.REQUIRED;

    /// <summary>The contextual keywords: keywords only where the grammar expects them, names elsewhere.</summary>
    public static bool IsContextualKeyword(int tokenType) =>
        tokenType is ExpirablesLexer.KEY or ExpirablesLexer.STATE or ExpirablesLexer.REQUIRED;
}
