using System.Collections.Generic;
using System.Text;
using Antlr4.Runtime;
using ExpirableStore.Compiler.Parsing.Internal;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>A piece of a file's text on one line, and where it is: what one <c>#line</c> directive maps.</summary>
internal readonly struct SourceSegment
{
    public SourceSegment(TextSpan span, string text)
    {
        Span = span;
        Text = text;
    }

    /// <summary>Where the text is in the file.</summary>
    public TextSpan Span { get; }

    /// <summary>The text, column for column as in the file.</summary>
    public string Text { get; }
}

/// <summary>
/// A piece of syntax as the text it was written in, one segment per line: on each line, from its
/// first token to its last, with comments and unusual white space blanked to spaces, so that
/// every character keeps its column and a C# error in it maps back to exactly where it is.
/// </summary>
internal static class SourceSegments
{
    public static List<SourceSegment> Of(SyntaxTree tree, TextSpan span)
    {
        var tokens = tree.Tokens;
        var text = tree.Source.Text;
        var segments = new List<SourceSegment>();
        IToken? first = null;
        IToken? last = null;
        var line = -1;
        for (var i = TokenSearch.FirstStartingAtOrAfter(tokens, span.Start); i < tokens.Count && tokens[i].StartIndex < span.End && tokens[i].Type != TokenConstants.EOF; i++)
        {
            var token = tokens[i];
            if (token.Channel != TokenConstants.DefaultChannel)
            {
                continue;
            }

            var tokenLine = tree.Lines.Position(token.StartIndex).Line;
            if (tokenLine != line && first is not null)
            {
                segments.Add(Segment(tree, text, first, last!));
                first = null;
            }

            line = tokenLine;
            first ??= token;
            last = token;
        }

        if (first is not null)
        {
            segments.Add(Segment(tree, text, first, last!));
        }

        return segments;
    }

    private static SourceSegment Segment(SyntaxTree tree, string text, IToken first, IToken last)
    {
        var start = first.StartIndex;
        var end = last.StopIndex + 1;
        var builder = new StringBuilder(text, start, end - start, end - start);
        var tokens = tree.Tokens;
        for (var i = first.TokenIndex + 1; i < last.TokenIndex; i++)
        {
            var token = tokens[i];
            if (token.Channel == ExpirablesLexer.COMMENTS || (token.Channel == Lexer.Hidden && token.Type == ExpirablesLexer.WHITESPACE))
            {
                for (var c = token.StartIndex; c <= token.StopIndex; c++)
                {
                    if (builder[c - start] != '\t')
                    {
                        builder[c - start] = ' ';
                    }
                }
            }
        }

        return new SourceSegment(tree.Lines.Span(start, end), builder.ToString());
    }
}
