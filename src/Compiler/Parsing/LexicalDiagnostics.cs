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
/// diagnostics read off those tokens (invalid characters, a '*)' without '(*', an unterminated
/// comment), one per mistake, and the text each of them accounts for: the word the invalid
/// characters are part of, and the token right after the mistake, where the parser trips over
/// it. Diagnostics in that text are the same mistake and are not reported again.
/// </summary>
internal static class LexicalDiagnostics
{
    private const int MaxCharactersShown = 8;
    private const int MaxWordShown = 40;

    public static void Add(SourceFile source, LineMap lines, IList<IToken> tokens, List<Diagnostic> diagnostics, List<(int Start, int End)> accountedFor)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            switch (token.Type)
            {
                case ExpirablesLexer.UNTERMINATED_COMMENT:
                    diagnostics.Add(DiagnosticBuilder.At(source.Path, lines.Span(token.StartIndex, token.StartIndex + 2)).UnterminatedComment());
                    AccountForNext(tokens, i, accountedFor);
                    break;
                case ExpirablesLexer.STRAY_COMMENT_END:
                    diagnostics.Add(DiagnosticBuilder.At(source.Path, lines.Span(token.StartIndex, token.StopIndex + 1)).StrayCommentEnd());
                    AccountForNext(tokens, i, accountedFor);
                    break;
                case ExpirablesLexer.INVALID:
                    i = AddInvalidCharacters(source, lines, tokens, i, diagnostics, accountedFor);
                    break;
            }
        }
    }

    // Invalid characters glued to a name ('aééb', 'a-b') are one mistake in that name: the word
    // is every token touching them without a gap, and one diagnostic lists its invalid characters.
    private static int AddInvalidCharacters(SourceFile source, LineMap lines, IList<IToken> tokens, int index, List<Diagnostic> diagnostics, List<(int Start, int End)> accountedFor)
    {
        var first = index;
        while (first > 0 && IsWordPart(tokens[first - 1]) && Touch(tokens[first - 1], tokens[first]))
        {
            first--;
        }

        var last = index;
        while (last + 1 < tokens.Count && IsWordPart(tokens[last + 1]) && Touch(tokens[last], tokens[last + 1]))
        {
            last++;
        }

        var invalidChars = new StringBuilder();
        var firstInvalid = -1;
        var lastInvalid = -1;
        var isName = false;
        for (var i = first; i <= last; i++)
        {
            var token = tokens[i];
            if (token.Type == ExpirablesLexer.INVALID)
            {
                firstInvalid = firstInvalid < 0 ? token.StartIndex : firstInvalid;
                lastInvalid = token.StopIndex + 1;
                invalidChars.Append(source.Text, token.StartIndex, token.StopIndex - token.StartIndex + 1);
            }
            else
            {
                isName |= NameTokens.IsName(token.Type);
            }
        }

        var (shown, count) = DescribeCharacters(invalidChars.ToString());
        var at = DiagnosticBuilder.At(source.Path, lines.Span(firstInvalid, lastInvalid));
        var wordStart = tokens[first].StartIndex;
        var wordEnd = tokens[last].StopIndex + 1;
        diagnostics.Add(isName
            ? at.InvalidCharactersInWord(count, shown, Shorten(source.Text.Substring(wordStart, wordEnd - wordStart)))
            : at.InvalidCharacters(count, shown));
        accountedFor.Add((wordStart, wordEnd));
        AccountForNext(tokens, last, accountedFor);
        return last;
    }

    // The first language token after a lexical mistake (white space and comments between): where
    // the parser finds something missing because of the mistake.
    private static void AccountForNext(IList<IToken> tokens, int index, List<(int Start, int End)> accountedFor)
    {
        for (var i = index + 1; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Channel == TokenConstants.DefaultChannel)
            {
                var start = token.StartIndex < 0 ? int.MaxValue : token.StartIndex;
                accountedFor.Add((start, token.Type == TokenConstants.EOF ? start + 1 : token.StopIndex + 1));
                return;
            }

            if (token.Channel == ExpirablesLexer.ERRORS)
            {
                return;
            }
        }
    }

    private static bool IsWordPart(IToken token) =>
        NameTokens.IsName(token.Type) || token.Type is ExpirablesLexer.DURATION or ExpirablesLexer.INVALID;

    private static bool Touch(IToken left, IToken right) => left.StopIndex + 1 == right.StartIndex;

    private static string Shorten(string text) => text.Length > MaxWordShown ? text.Substring(0, MaxWordShown) + "..." : text;

    // The characters, each quoted as itself, or by its code when it would not show (a control,
    // white space, a lone surrogate, U+FFFD): one entry per character, a surrogate pair being one
    // character. Returns the text and the number of characters.
    private static (string Text, int Count) DescribeCharacters(string text)
    {
        var builder = new StringBuilder();
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
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
