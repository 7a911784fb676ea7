using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Antlr4.Runtime.Tree;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax.Internal;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>Runs the ANTLR lexer and parser and turns the parse tree into a <see cref="SyntaxTree"/>.</summary>
internal sealed class SyntaxTreeBuilder
{
    private readonly SourceFile _source;
    private readonly LineMap _lines;
    private readonly IList<IToken> _tokens;
    private readonly List<int> _errorTokenIndexes;
    private readonly StringBuilder _typeText = new();

    private SyntaxTreeBuilder(SourceFile source, LineMap lines, IList<IToken> tokens, List<int> errorTokenIndexes)
    {
        _source = source;
        _lines = lines;
        _tokens = tokens;
        _errorTokenIndexes = errorTokenIndexes;
    }

    public static SyntaxTree Parse(SourceFile source)
    {
        var text = source.Text;
        var lines = new LineMap(text);

        // AntlrInputStream indexes UTF-16 code units, like string offsets and our columns
        // (CharStreams.fromString would index code points).
        var lexer = new ExpirablesLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokenStream = new PresizedTokenStream(lexer, text.Length);
        tokenStream.Fill();
        var tokens = tokenStream.GetTokens();

        var diagnostics = new List<Diagnostic>();
        AddLexicalDiagnostics(source, lines, tokens, diagnostics);

        // Two-stage parsing, the standard ANTLR speed-up: first the cheaper SLL prediction with no
        // recovery at all, which succeeds on any syntactically valid file (and then builds the same
        // tree as full LL: the grammar is unambiguous). Only when it fails is the file parsed again
        // with full LL and our recovering strategy, which reports every syntax error as before.
        var items = TryParseFast(source, lines, tokens, tokenStream);
        if (items is null)
        {
            tokenStream.Seek(0);
            var parser = new ExpirablesParser(tokenStream)
            {
                ErrorHandler = new ExpirablesErrorStrategy(),
                BuildParseTree = true,
            };
            parser.RemoveErrorListeners();
            var collector = new SyntaxErrorCollector(source.Path, lines, text.Length);
            parser.AddErrorListener(collector);
            var unit = parser.compilationUnit();
            diagnostics.AddRange(collector.Diagnostics);
            items = new SyntaxTreeBuilder(source, lines, tokens, collector.OffendingTokenIndexes).BuildItems(unit);
        }

        var sorted = diagnostics.Count == 0 ? Array.Empty<Diagnostic>() : diagnostics
            .Select((d, i) => (d, i))
            .OrderBy(p => p.d.Line).ThenBy(p => p.d.Column).ThenBy(p => p.i)
            .Select(p => p.d)
            .ToArray();
        return new SyntaxTree(source, items, sorted, tokens as IReadOnlyList<IToken> ?? tokens.ToArray(), lines);
    }

    // The items of a file without syntax errors, or null when SLL parsing failed. Each header and
    // declaration is turned into syntax as soon as the parser leaves it and then detached from the
    // parse tree: the tree's nodes die young instead of all living (and being copied by the GC)
    // until the whole file is parsed. On a file with errors the items are thrown away.
    private static List<TopLevelItem>? TryParseFast(SourceFile source, LineMap lines, IList<IToken> tokens, CommonTokenStream tokenStream)
    {
        var builder = new SyntaxTreeBuilder(source, lines, tokens, new List<int>());
        var items = new List<TopLevelItem>();
        var parser = new ExpirablesParser(tokenStream)
        {
            ErrorHandler = new BailErrorStrategy(),
            BuildParseTree = true,
            TopLevelItemExited = context =>
            {
                builder.AddItem(items, context);
                var children = ((ParserRuleContext)context.Parent).children;
                if (children is not null && children.Count > 0 && ReferenceEquals(children[children.Count - 1], context))
                {
                    children.RemoveAt(children.Count - 1);
                }
            },
        };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        try
        {
            parser.compilationUnit();
            return items;
        }
        catch (ParseCanceledException)
        {
            return null;
        }
    }

    internal static TextSpan SpanOf(IToken token, LineMap lines, int textLength)
    {
        if (token.Type == TokenConstants.EOF || token.StartIndex < 0)
        {
            var at = token.StartIndex < 0 ? textLength : Math.Min(token.StartIndex, textLength);
            return lines.Span(at, at);
        }

        return lines.Span(token.StartIndex, Math.Max(token.StopIndex + 1, token.StartIndex));
    }

    private static void AddLexicalDiagnostics(SourceFile source, LineMap lines, IList<IToken> tokens, List<Diagnostic> diagnostics)
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
                var span = lines.Span(start, end);
                var (shown, count) = DescribeCharacters(source.Text, start, end);
                diagnostics.Add(DiagnosticBuilder.At(source.Path, span).InvalidCharacters(count, shown));
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
            if (count < 8)
            {
                if (count > 0)
                {
                    builder.Append(' ');
                }

                var c = text[i];
                builder.Append(length == 1 && (char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c) || c == '\uFFFD')
                    ? "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)
                    : "'" + text.Substring(i, length) + "'");
            }
            else if (count == 8)
            {
                builder.Append(" ...");
            }

            count++;
            i += length;
        }

        return (builder.ToString(), count);
    }

    private TextSpan Span(IToken token) => SpanOf(token, _lines, _source.Text.Length);

    private TextSpan Span(ParserRuleContext context)
    {
        var start = context.Start;
        var stop = context.Stop;
        if (start is null)
        {
            return _lines.Span(_source.Text.Length, _source.Text.Length);
        }

        var first = Span(start);
        if (stop is null || stop.StopIndex < start.StartIndex || stop.StartIndex < 0)
        {
            return first;
        }

        return TextSpan.Cover(first, Span(stop));
    }

    private static bool IsMissing(IToken? token) =>
        token is null || token.StartIndex < 0 || token.TokenIndex < 0 || token.Type == TokenConstants.EOF;

    private bool HasErrors(ParserRuleContext declaration)
    {
        // A token conjured by single-token insertion in a set match ('scope >') leaves no error
        // node in the tree, so errors reported inside the declaration's tokens count too. The
        // first token ('expirable') always matched, so an error there belongs to the previous item.
        var first = declaration.Start?.TokenIndex ?? int.MaxValue;
        var last = declaration.Stop?.TokenIndex ?? -1;
        foreach (var index in _errorTokenIndexes)
        {
            if (index > first && index <= last)
            {
                return true;
            }
        }

        return HasErrorNodes(declaration);
    }

    private static bool HasErrorNodes(IParseTree tree)
    {
        // Iterative: a deep tree must not cost stack here either.
        var pending = new Stack<IParseTree>();
        pending.Push(tree);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is IErrorNode)
            {
                return true;
            }

            if (node is ITerminalNode terminal && IsMissing(terminal.Symbol) && terminal.Symbol.Type != TokenConstants.EOF)
            {
                return true;
            }

            if (node is ParserRuleContext context)
            {
                if (context.exception is not null)
                {
                    return true;
                }

                for (var i = 0; i < context.ChildCount; i++)
                {
                    pending.Push(context.GetChild(i));
                }
            }
        }

        return false;
    }

    private List<TopLevelItem> BuildItems(ExpirablesParser.CompilationUnitContext unit)
    {
        var items = new List<TopLevelItem>();
        if (unit.children is null)
        {
            return items;
        }

        foreach (var child in unit.children)
        {
            AddItem(items, child);
        }

        return items;
    }

    private void AddItem(List<TopLevelItem> items, IParseTree child)
    {
        switch (child)
        {
            case ExpirablesParser.HeaderContext header:
                var built = BuildHeader(header);
                if (built is not null)
                {
                    items.Add(TopLevelItem.Of(built));
                }

                break;
            case ExpirablesParser.DeclarationContext declaration:
                items.Add(TopLevelItem.Of(BuildDeclaration(declaration)));
                break;
        }
    }

    private HeaderSyntax? BuildHeader(ExpirablesParser.HeaderContext header)
    {
        switch (header)
        {
            case ExpirablesParser.NamespaceHeaderContext ns:
                return new HeaderSyntax(HeaderKind.Namespace, Span(ns.NAMESPACE().Symbol), BuildQualifiedName(ns.qualifiedName()), Span(ns));
            case ExpirablesParser.ModuleHeaderContext module:
                var name = BuildIdentifier(module.identifier());
                var qualified = name is null ? null : new QualifiedNameSyntax(new[] { name }, name.Span, isContiguous: true);
                return new HeaderSyntax(HeaderKind.Module, Span(module.MODULE().Symbol), qualified, Span(module));
            case ExpirablesParser.OpenHeaderContext open:
                return new HeaderSyntax(HeaderKind.Open, Span(open.OPEN().Symbol), BuildQualifiedName(open.qualifiedName()), Span(open));
            default:
                return null;
        }
    }

    private ExpirableDeclarationSyntax BuildDeclaration(ExpirablesParser.DeclarationContext declaration)
    {
        var options = new List<OptionSyntax>();
        foreach (var option in declaration.option())
        {
            var built = BuildOption(option);
            if (built is not null)
            {
                options.Add(built);
            }
        }

        var type = declaration.type() is { } typeContext ? BuildType(typeContext) : null;
        return new ExpirableDeclarationSyntax(
            Span(declaration.EXPIRABLE().Symbol),
            BuildIdentifier(declaration.identifier()),
            type,
            options,
            Span(declaration),
            _errorTokenIndexes.Count > 0 && HasErrors(declaration));
    }

    private OptionSyntax? BuildOption(ExpirablesParser.OptionContext option)
    {
        switch (option)
        {
            case ExpirablesParser.FetchOptionContext fetch:
                return new OptionSyntax(OptionKind.Fetch, Span(fetch.FETCH().Symbol), Span(fetch), fetchMethod: BuildQualifiedName(fetch.qualifiedName(), fetch.GLOBAL_ALIAS()?.Symbol));
            case ExpirablesParser.ScopeOptionContext scope:
                var value = scope.scopeValue;
                ScopeValue? scopeValue = IsMissing(value) ? null
                    : value.Type == ExpirablesLexer.CLUSTER ? ScopeValue.Cluster
                    : value.Type == ExpirablesLexer.LOCAL ? ScopeValue.Local
                    : null;
                return new OptionSyntax(OptionKind.Scope, Span(scope.SCOPE().Symbol), Span(scope), scope: scopeValue, valueSpan: scopeValue is null ? null : Span(value!));
            case ExpirablesParser.RefreshOptionContext refresh:
                if (refresh.EAGER() is { } eager && !IsMissing(eager.Symbol))
                {
                    return new OptionSyntax(OptionKind.Refresh, Span(refresh.REFRESH().Symbol), Span(refresh), refresh: RefreshValue.Eager, valueSpan: Span(eager.Symbol), duration: BuildDuration(refresh.duration()));
                }

                if (refresh.LAZY() is { } lazy && !IsMissing(lazy.Symbol))
                {
                    return new OptionSyntax(OptionKind.Refresh, Span(refresh.REFRESH().Symbol), Span(refresh), refresh: RefreshValue.Lazy, valueSpan: Span(lazy.Symbol));
                }

                return new OptionSyntax(OptionKind.Refresh, Span(refresh.REFRESH().Symbol), Span(refresh));
            case ExpirablesParser.TimeoutOptionContext timeout:
                return new OptionSyntax(OptionKind.Timeout, Span(timeout.TIMEOUT().Symbol), Span(timeout), duration: BuildDuration(timeout.duration()));
            default:
                return null;
        }
    }

    private DurationSyntax? BuildDuration(ExpirablesParser.DurationContext? duration)
    {
        var token = duration?.DURATION()?.Symbol;
        return IsMissing(token) ? null : new DurationSyntax(token!.Text, Span(token));
    }

    private IdentifierSyntax? BuildIdentifier(ExpirablesParser.IdentifierContext? identifier)
    {
        if (identifier is null || identifier.exception is not null)
        {
            return null;
        }

        var token = identifier.Start;
        if (IsMissing(token) || (token.Type != ExpirablesLexer.IDENTIFIER && token.Type != ExpirablesLexer.ESCAPED_IDENTIFIER))
        {
            return null;
        }

        return new IdentifierSyntax(token.Text, Span(token));
    }

    private QualifiedNameSyntax? BuildQualifiedName(ExpirablesParser.QualifiedNameContext? name, IToken? globalAlias = null)
    {
        if (name is null)
        {
            return null;
        }

        var parts = new List<IdentifierSyntax>();
        foreach (var part in name.identifier())
        {
            var built = BuildIdentifier(part);
            if (built is not null)
            {
                parts.Add(built);
            }
        }

        if (parts.Count == 0)
        {
            return null;
        }

        var isGlobal = globalAlias is not null && !IsMissing(globalAlias);
        var span = TextSpan.Cover(isGlobal ? Span(globalAlias!) : parts[0].Span, parts[parts.Count - 1].Span);
        var length = parts.Count - 1 + (isGlobal ? QualifiedNameSyntax.GlobalAlias.Length : 0);
        foreach (var part in parts)
        {
            length += part.Text.Length;
        }

        var contiguous = span.Line == span.EndLine && span.Length == length;
        return new QualifiedNameSyntax(parts, span, contiguous, isGlobal);
    }

    private TypeSyntax? BuildType(ExpirablesParser.TypeContext type)
    {
        var start = type.Start;
        var stop = type.Stop;
        if (IsMissing(start) || stop is null || IsMissing(stop) || stop.TokenIndex < start.TokenIndex)
        {
            return null;
        }

        var canonical = _typeText.Clear();
        var text = _source.Text;
        IToken? previous = null;
        var hasComment = false;
        for (var i = start.TokenIndex; i <= stop.TokenIndex && i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (token.Channel == ExpirablesLexer.COMMENTS)
            {
                hasComment = true;
            }

            if (token.Channel != TokenConstants.DefaultChannel)
            {
                continue;
            }

            if (previous is not null && NeedsSpace(previous.Type, token.Type))
            {
                canonical.Append(' ');
            }

            // A lexer token's text is its slice of the source: copy it from there, no string per token.
            if (token.Type != TokenConstants.EOF && token.StartIndex >= 0 && token.StopIndex >= token.StartIndex && token.StopIndex < text.Length)
            {
                canonical.Append(text, token.StartIndex, token.StopIndex - token.StartIndex + 1);
            }
            else
            {
                canonical.Append(token.Text);
            }

            previous = token;
        }

        var span = Span(type);
        var sourceText = text.Substring(span.Start, span.Length);
        var verbatim = !hasComment && span.Line == span.EndLine;

        // Most types are written in canonical form: then both texts are the same string.
        return new TypeSyntax(SameText(canonical, sourceText) ? sourceText : canonical.ToString(), sourceText, span, verbatim);
    }

    private static bool SameText(StringBuilder builder, string text)
    {
        if (builder.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (builder[i] != text[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool NeedsSpace(int previous, int next)
    {
        if (previous == ExpirablesLexer.COMMA)
        {
            return next != ExpirablesLexer.COMMA && next != ExpirablesLexer.RBRACKET;
        }

        // Only a tuple element's name follows a type directly: '(int count, string name)'.
        return (next == ExpirablesLexer.IDENTIFIER || next == ExpirablesLexer.ESCAPED_IDENTIFIER)
            && previous != ExpirablesLexer.DOT && previous != ExpirablesLexer.LT && previous != ExpirablesLexer.LPAREN
            && previous != ExpirablesLexer.GLOBAL_ALIAS;
    }
}
