using System;
using System.Collections.Generic;
using System.Text;
using Antlr4.Runtime;
using ExpirableStore.Compiler.Syntax;
using ExpirableStore.Compiler.Parsing.Internal;

namespace ExpirableStore.Compiler.Formatting;

/// <summary>
/// Prints an error-free <see cref="SyntaxTree"/> in the canonical layout (see <c>docs/cli.md</c>).
/// </summary>
/// <remarks>
/// The printer walks the file's tokens. Each language token gets a wanted separator before it
/// (nothing, a space, a line break, a blank line) from its role in the tree; option separators
/// (<c>;</c>) are dropped. Comments live in the gaps between language tokens and keep their
/// relation to them: a comment that shared a line with the token before it stays on that line
/// (a trailing comment), one that started its own line stays on its own line (a leading comment),
/// and a line comment always ends its line. Those relations are the same in the output as in the
/// input, which is what makes formatting idempotent.
/// </remarks>
internal sealed class CanonicalLayout
{
    private const int IndentSize = 4;

    private readonly SyntaxTree _tree;
    private readonly List<IToken> _significant = new();
    private readonly List<IToken> _comments = new();
    private readonly Dictionary<int, Placement> _placements = new();
    private readonly StringBuilder _output = new();

    public CanonicalLayout(SyntaxTree tree)
    {
        _tree = tree;
        foreach (var token in tree.Tokens)
        {
            if (token.Channel == TokenConstants.DefaultChannel && token.Type != TokenConstants.EOF)
            {
                _significant.Add(token);
            }
            else if (token.Channel == ExpirablesLexer.COMMENTS)
            {
                _comments.Add(token);
            }
        }
    }

    private enum Separator
    {
        None,
        Space,
        Line,
        BlankLine,
    }

    /// <summary>A comment as it is printed: line comments lose trailing white space, every line end becomes LF.</summary>
    public static string NormalizeComment(string text)
    {
        if (text.StartsWith("//", StringComparison.Ordinal))
        {
            return text.TrimEnd();
        }

        return text.Replace("\r\n", "\n").Replace('\r', '\n');
    }

    public string Render()
    {
        PlaceTokens();

        var comments = new List<(IToken Comment, int NewlinesBefore)>();
        var newlines = 0;
        var started = false;
        foreach (var token in _tree.Tokens)
        {
            if (token.Channel == ExpirablesLexer.COMMENTS)
            {
                comments.Add((token, newlines));
                newlines = 0;
            }
            else if (token.Type == ExpirablesLexer.NEWLINE)
            {
                newlines++;
            }
            else if (token.Type == TokenConstants.EOF)
            {
                EmitEnd(comments, started);
            }
            else if (token.Channel == TokenConstants.DefaultChannel)
            {
                var placement = PlacementOf(token);
                if (placement.Dropped)
                {
                    continue;
                }

                if (started)
                {
                    EmitGap(comments, newlines, placement);
                }
                else
                {
                    EmitStart(comments, newlines);
                    started = true;
                }

                _output.Append(token.Text);
                comments.Clear();
                newlines = 0;
            }
        }

        return _output.ToString();
    }

    private static bool IsLineComment(IToken comment) => comment.Type == ExpirablesLexer.LINE_COMMENT;

    private void EmitStart(List<(IToken Comment, int NewlinesBefore)> comments, int newlinesBeforeToken)
    {
        EmitFileComments(comments);
        if (comments.Count > 0)
        {
            if (IsLineComment(comments[comments.Count - 1].Comment) || newlinesBeforeToken > 0)
            {
                NewLine(newlinesBeforeToken >= 2);
            }
            else
            {
                _output.Append(' ');
            }
        }
    }

    // Comments before the first token: each on its own line unless written after another on one line.
    private void EmitFileComments(List<(IToken Comment, int NewlinesBefore)> comments)
    {
        for (var i = 0; i < comments.Count; i++)
        {
            var (comment, newlinesBefore) = comments[i];
            if (i > 0)
            {
                if (newlinesBefore == 0 && !IsLineComment(comments[i - 1].Comment))
                {
                    _output.Append(' ');
                }
                else
                {
                    NewLine(newlinesBefore >= 2);
                }
            }

            _output.Append(NormalizeComment(comment.Text));
        }
    }

    private void EmitGap(List<(IToken Comment, int NewlinesBefore)> comments, int newlinesBeforeToken, Placement placement)
    {
        var wanted = placement.Before;
        var atLineLevel = wanted is Separator.Line or Separator.BlankLine;
        if (comments.Count == 0)
        {
            switch (wanted)
            {
                case Separator.Space:
                    _output.Append(' ');
                    break;
                case Separator.Line:
                case Separator.BlankLine:
                    NewLine(wanted == Separator.BlankLine);
                    Indent(placement.Indent);
                    break;
            }

            return;
        }

        // A blank line wanted before the next item goes before its leading comments, which belong to it.
        var blankPending = EmitComments(comments, atLineLevel, wanted == Separator.BlankLine, placement.CommentIndent, placement.ContinuationIndent);

        var mustBreak = IsLineComment(comments[comments.Count - 1].Comment) || newlinesBeforeToken > 0;
        if (atLineLevel)
        {
            NewLine(blankPending || newlinesBeforeToken >= 2);
            Indent(placement.Indent);
        }
        else if (mustBreak)
        {
            NewLine(blank: false);
            Indent(placement.ContinuationIndent);
        }
        else
        {
            _output.Append(' ');
        }
    }

    private void EmitEnd(List<(IToken Comment, int NewlinesBefore)> comments, bool started)
    {
        if (!started)
        {
            EmitFileComments(comments);
            if (comments.Count > 0)
            {
                _output.Append('\n');
            }

            return;
        }

        EmitComments(comments, atLineLevel: true, blankPending: false, lineIndent: 0, continuationIndent: 0);
        _output.Append('\n');
    }

    // The comments of a gap, each after a space on the line before it or on a line of its own (a
    // blank line kept before it at line level). Returns whether the pending blank line is still owed.
    private bool EmitComments(List<(IToken Comment, int NewlinesBefore)> comments, bool atLineLevel, bool blankPending, int lineIndent, int continuationIndent)
    {
        for (var i = 0; i < comments.Count; i++)
        {
            var (comment, newlinesBefore) = comments[i];
            var followsLineComment = i > 0 && IsLineComment(comments[i - 1].Comment);
            if (newlinesBefore == 0 && !followsLineComment)
            {
                _output.Append(' ');
            }
            else
            {
                NewLine(atLineLevel && (blankPending || newlinesBefore >= 2));
                blankPending = false;
                Indent(atLineLevel ? lineIndent : continuationIndent);
            }

            _output.Append(NormalizeComment(comment.Text));
        }

        return blankPending;
    }

    private void NewLine(bool blank)
    {
        _output.Append('\n');
        if (blank)
        {
            _output.Append('\n');
        }
    }

    private void Indent(int width) => _output.Append(' ', width);

    private Placement PlacementOf(IToken token) =>
        _placements.TryGetValue(token.TokenIndex, out var placement) ? placement : new Placement(Separator.Space, 0);

    private void PlaceTokens()
    {
        TopLevelItem? previous = null;
        foreach (var item in _tree.Items)
        {
            var tokens = TokensIn(item.Span.Start, item.Span.End);
            if (tokens.Count == 0)
            {
                continue;
            }

            Set(tokens[0], new Placement(SeparatorBetween(previous, item), 0));
            if (item.Header is not null)
            {
                PlaceHeader(tokens);
            }
            else
            {
                PlaceDeclaration(item.Declaration!, tokens);
            }

            previous = item;
        }
    }

    private static Separator SeparatorBetween(TopLevelItem? previous, TopLevelItem next)
    {
        if (previous is null)
        {
            return Separator.None;
        }

        if (next.Declaration is not null || previous.Declaration is not null)
        {
            return Separator.BlankLine;
        }

        // namespace and module form one group, the opens another.
        var wasOpen = previous.Header!.Kind == HeaderKind.Open;
        var isOpen = next.Header!.Kind == HeaderKind.Open;
        return wasOpen == isOpen ? Separator.Line : Separator.BlankLine;
    }

    private void PlaceHeader(List<IToken> tokens)
    {
        // 'namespace A.B': one space after the keyword, none around the dots.
        for (var i = 1; i < tokens.Count; i++)
        {
            Set(tokens[i], new Placement(i == 1 ? Separator.Space : Separator.None, 0));
        }
    }

    private void PlaceDeclaration(ExpirableDeclarationSyntax declaration, List<IToken> tokens)
    {
        var multiLine = declaration.Options.Count > 1 || HasComment(declaration.Span);
        var bodyStart = (declaration.Type?.Span ?? declaration.Name?.Span ?? declaration.KeywordSpan).End;
        var closing = tokens[tokens.Count - 1];
        var opened = false;
        var optionIndex = 0;
        var inOption = 0;
        IToken? previous = null;

        foreach (var token in tokens)
        {
            var offset = token.StartIndex;
            if (token == tokens[0])
            {
                previous = token;
                continue;
            }

            if (token == closing && token.Type == ExpirablesLexer.GT)
            {
                Set(token, multiLine ? new Placement(Separator.Line, 0, commentIndent: IndentSize) : new Placement(Separator.Space, 0));
            }
            else if (declaration.Type is { } type && offset >= type.Span.Start && offset < type.Span.End)
            {
                var separator = offset == type.Span.Start ? Separator.Space
                    : TypeSpacing.NeedsSpaceBetween(previous!.Type, token.Type) ? Separator.Space : Separator.None;
                Set(token, new Placement(separator, 0));
            }
            else if (!opened && token.Type == ExpirablesLexer.LT && offset >= bodyStart)
            {
                opened = true;
                Set(token, new Placement(Separator.Space, 0));
            }
            else if (opened && token.Type == ExpirablesLexer.SEMI)
            {
                Set(token, Placement.Drop);
            }
            else if (opened && optionIndex < declaration.Options.Count && offset >= declaration.Options[optionIndex].Span.Start)
            {
                var option = declaration.Options[optionIndex];
                if (offset == option.Span.Start)
                {
                    inOption = 0;
                    Set(token, multiLine ? new Placement(Separator.Line, IndentSize) : new Placement(Separator.Space, 0));
                }
                else
                {
                    // 'fetch A.B': a space after the keyword, none around the dots; 'refresh eager 30s',
                    // 'state S required': spaces; the type of 'key T' and 'state S' as in an annotation.
                    var separator = option.Type is { } optionType && offset > optionType.Span.Start && offset < optionType.Span.End
                            ? TypeSpacing.NeedsSpaceBetween(previous!.Type, token.Type) ? Separator.Space : Separator.None
                        : inOption == 1 || option.Kind != OptionKind.Fetch ? Separator.Space : Separator.None;
                    Set(token, new Placement(separator, multiLine ? IndentSize : 0));
                }

                inOption++;
                if (token.StopIndex + 1 >= option.Span.End)
                {
                    optionIndex++;
                }
            }
            else
            {
                // The name and the ':' of 'expirable name : type'.
                Set(token, new Placement(Separator.Space, 0));
            }

            previous = token;
        }
    }

    private bool HasComment(TextSpan span)
    {
        var first = TokenSearch.FirstStartingAtOrAfter(_comments, span.Start);
        return first < _comments.Count && _comments[first].StartIndex < span.End;
    }

    // The language tokens whose start lies in [start, end).
    private List<IToken> TokensIn(int start, int end)
    {
        var tokens = new List<IToken>();
        for (var i = TokenSearch.FirstStartingAtOrAfter(_significant, start); i < _significant.Count && _significant[i].StartIndex < end; i++)
        {
            tokens.Add(_significant[i]);
        }

        return tokens;
    }

    private void Set(IToken token, Placement placement) => _placements[token.TokenIndex] = placement;

    /// <summary>How one language token is placed relative to what precedes it.</summary>
    private readonly struct Placement
    {
        public Placement(Separator before, int indent, int? commentIndent = null, bool dropped = false)
        {
            Before = before;
            Indent = indent;
            CommentIndent = commentIndent ?? indent;
            Dropped = dropped;
        }

        public static Placement Drop => new(Separator.None, 0, dropped: true);

        /// <summary>The separator wanted between the previous token and this one.</summary>
        public Separator Before { get; }

        /// <summary>The indentation of this token's line.</summary>
        public int Indent { get; }

        /// <summary>The indentation of a comment on its own line just before this token.</summary>
        public int CommentIndent { get; }

        /// <summary>The indentation of a line that a comment forces to break in the middle of a construct.</summary>
        public int ContinuationIndent => Indent + IndentSize;

        /// <summary>Whether the token is left out (an option separator).</summary>
        public bool Dropped { get; }
    }
}
