using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Antlr4.Runtime;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Parsing.Internal;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Parsing;

/// <summary>
/// The lexer never fails: what it cannot read becomes a token of its own. These are the EXP0002
/// diagnostics read off those tokens: invalid characters (one per run) and unterminated comments.
/// </summary>
internal static class LexicalDiagnostics
{
    private const int MaxCharactersShown = 8;

    public static void Add(SourceFile source, LineMap lines, IList<IToken> tokens, List<Diagnostic> diagnostics)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Type == ExpirablesLexer.UNTERMINATED_COMMENT)
            {
                var opening = lines.Span(token.StartIndex, token.StartIndex + 2);
                diagnostics.Add(DiagnosticBuilder.At(source.Path, opening).UnterminatedComment());
            }
            else if (token.Type == ExpirablesLexer.INVALID)
            {
                // A run of invalid characters is one mistake, not one per character.
                var last = i;
                while (last + 1 < tokens.Count && tokens[last + 1].Type == ExpirablesLexer.INVALID
                       && tokens[last + 1].StartIndex == tokens[last].StopIndex + 1)
                {
                    last++;
                }

                var start = token.StartIndex;
                var end = tokens[last].StopIndex + 1;
                var (shown, count) = DescribeCharacters(source.Text, start, end);
                diagnostics.Add(DiagnosticBuilder.At(source.Path, lines.Span(start, end)).InvalidCharacters(count, shown));
                i = last;
            }
        }
    }

    // The characters of [start, end), each quoted as itself, or by its code when it would not show
    // (a control, white space, a lone surrogate, U+FFFD): one entry per character, a surrogate pair
    // being one character. Returns the text and the number of characters in the range.
    private static (string Text, int Count) DescribeCharacters(string text, int start, int end)
    {
        var builder = new StringBuilder();
        var count = 0;
        var i = start;
        while (i < end)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < end && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (count < MaxCharactersShown)
            {
                if (count > 0)
                {
                    builder.Append(' ');
                }

                var c = text[i];
                builder.Append(length == 1 && (char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c) || c == '\uFFFD')
                    ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture)
                    : "'" + text.Substring(i, length) + "'");
            }
            else if (count == MaxCharactersShown)
            {
                builder.Append(" ...");
            }

            count++;
            i += length;
        }

        return (builder.ToString(), count);
    }
}
