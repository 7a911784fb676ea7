using ExpirableStore.Compiler.Parsing.Internal;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>
/// The canonical spacing of a type annotation, shared by <see cref="TypeSyntax.Text"/> and the
/// formatter: a space after a separating comma and before a tuple element's name, none elsewhere
/// (<c>Dictionary&lt;string, (int count, string name)&gt;</c>, <c>int[,][]?</c>).
/// </summary>
internal static class TypeSpacing
{
    /// <summary>Whether a space goes between two adjacent tokens (lexer token types) of a type.</summary>
    public static bool NeedsSpaceBetween(int previous, int next)
    {
        if (previous == ExpirablesLexer.COMMA)
        {
            return next != ExpirablesLexer.COMMA && next != ExpirablesLexer.RBRACKET;
        }

        // Only a tuple element's name follows a type directly: '(int count, string name)'.
        return NameTokens.IsName(next)
            && previous != ExpirablesLexer.DOT && previous != ExpirablesLexer.LT && previous != ExpirablesLexer.LPAREN
            && previous != ExpirablesLexer.GLOBAL_ALIAS;
    }
}
