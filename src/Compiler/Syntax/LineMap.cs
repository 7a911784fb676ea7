using System;
using System.Collections.Generic;
using Antlr4.Runtime;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>
/// Turns character offsets into 1-based lines and columns. ANTLR's own line counting knows only
/// '\n' and counts a byte-order mark as a column, so positions are computed here instead.
/// </summary>
internal sealed class LineMap
{
    private readonly int[] _lineStarts;
    private readonly int _textLength;

    public LineMap(string text)
    {
        _textLength = text.Length;
        var starts = new List<int> { text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = starts.ToArray();
    }

    public int LineCount => _lineStarts.Length;

    /// <summary>1-based line and column of <paramref name="offset"/> (clamped into the text).</summary>
    public (int Line, int Column) Position(int offset)
    {
        offset = Math.Max(0, Math.Min(offset, _textLength));
        var index = Array.BinarySearch(_lineStarts, offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        index = Math.Max(index, 0);
        var column = Math.Max(offset - _lineStarts[index], 0) + 1;
        return (index + 1, column);
    }

    /// <summary>
    /// The span of a token; a token the parser conjured up in recovery, and EOF, are an empty span
    /// at their position (at the end of the text when they have none).
    /// </summary>
    public TextSpan Span(IToken token)
    {
        if (token.Type == TokenConstants.EOF || token.StartIndex < 0)
        {
            var at = token.StartIndex < 0 ? _textLength : Math.Min(token.StartIndex, _textLength);
            return Span(at, at);
        }

        return Span(token.StartIndex, Math.Max(token.StopIndex + 1, token.StartIndex));
    }

    /// <summary>An empty span at the end of the text.</summary>
    public TextSpan EndOfText => Span(_textLength, _textLength);

    public TextSpan Span(int start, int end)
    {
        if (end < start)
        {
            end = start;
        }

        var (line, column) = Position(start);
        var (endLine, endColumn) = Position(end);
        return new TextSpan(start, end, line, column, endLine, endColumn);
    }
}
