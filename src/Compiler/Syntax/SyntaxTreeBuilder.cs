using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using ExpirableStore.Compiler.Parsing.Internal;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>
/// Turns the parser's contexts into the syntax nodes of a <see cref="SyntaxTree"/>: names, types,
/// durations and options with their spans; parts a syntax error left out are null.
/// </summary>
internal sealed class SyntaxTreeBuilder
{
    private readonly SourceFile _source;
    private readonly LineMap _lines;
    private readonly IList<IToken> _tokens;
    private readonly List<int> _errorTokenIndexes;
    private readonly StringBuilder _typeText = new();

    public SyntaxTreeBuilder(SourceFile source, LineMap lines, IList<IToken> tokens, List<int> errorTokenIndexes)
    {
        _source = source;
        _lines = lines;
        _tokens = tokens;
        _errorTokenIndexes = errorTokenIndexes;
    }

    private TextSpan Span(IToken token) => _lines.Span(token);

    private TextSpan Span(ParserRuleContext context)
    {
        var start = context.Start;
        var stop = context.Stop;
        if (start is null)
        {
            return _lines.EndOfText;
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

    public List<TopLevelItem> BuildItems(ExpirablesParser.CompilationUnitContext unit)
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

    public void AddItem(List<TopLevelItem> items, IParseTree child)
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
                // A dotted module name is a syntax error; like any part a syntax error spoilt, it is left out.
                var parts = module.qualifiedName()?.identifier();
                var name = parts is { Length: 1 } ? BuildIdentifier(parts[0]) : null;
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
            case ExpirablesParser.KeyOptionContext key:
                return new OptionSyntax(OptionKind.Key, Span(key.KEY().Symbol), Span(key), type: key.type() is { } keyType ? BuildType(keyType) : null);
            case ExpirablesParser.StateOptionContext state:
                var required = state.REQUIRED() is { } word && !IsMissing(word.Symbol) ? Span(word.Symbol) : (TextSpan?)null;
                return new OptionSyntax(OptionKind.State, Span(state.STATE().Symbol), Span(state), type: state.type() is { } stateType ? BuildType(stateType) : null, requiredSpan: required);
            case ExpirablesParser.RequiredBeforeStateTypeOptionContext early:
                return new OptionSyntax(OptionKind.State, Span(early.STATE().Symbol), Span(early), type: early.type() is { } earlyType ? BuildType(earlyType) : null, requiredSpan: Span(early.REQUIRED().Symbol), requiredBeforeType: true);
            case ExpirablesParser.MisplacedRequiredOptionContext misplaced:
                return new OptionSyntax(OptionKind.Required, Span(misplaced.REQUIRED().Symbol), Span(misplaced));
            default:
                return null;
        }
    }

    // A duration is one token; the words a user wrote after it with spaces between ('30 s') are
    // part of it too, joined with one space, so that the checker reports them as one malformed duration.
    private DurationSyntax? BuildDuration(ExpirablesParser.DurationContext? duration)
    {
        var first = duration?.Start;
        var last = duration?.Stop;
        if (duration is null || IsMissing(first) || first!.Type != ExpirablesLexer.DURATION || last is null || IsMissing(last) || last.TokenIndex < first.TokenIndex)
        {
            return null;
        }

        if (last.TokenIndex == first.TokenIndex)
        {
            return new DurationSyntax(first.Text, Span(first));
        }

        var words = new List<string>();
        for (var i = first.TokenIndex; i <= last.TokenIndex; i++)
        {
            if (_tokens[i].Channel == TokenConstants.DefaultChannel)
            {
                words.Add(_tokens[i].Text);
            }
        }

        return new DurationSyntax(string.Join(" ", words), TextSpan.Cover(Span(first), Span(last)));
    }

    private IdentifierSyntax? BuildIdentifier(ExpirablesParser.IdentifierContext? identifier)
    {
        if (identifier is null || identifier.exception is not null)
        {
            return null;
        }

        var token = identifier.Start;
        if (IsMissing(token) || !NameTokens.IsName(token.Type))
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

            if (previous is not null && TypeSpacing.NeedsSpaceBetween(previous.Type, token.Type))
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

        var names = new List<TypeNamePart>();
        if (IsComplete(type) && !HasErrorTokenAround(type))
        {
            CollectNames(type, names);
        }

        // Most types are written in canonical form: then both texts are the same string.
        return new TypeSyntax(SameText(canonical, sourceText) ? sourceText : canonical.ToString(), sourceText, span, verbatim, previous?.Type == ExpirablesLexer.QUESTION, names);
    }

    // A syntax error inside the type or at the token right after it (where a cut-short type ends).
    private bool HasErrorTokenAround(ParserRuleContext type)
    {
        var first = type.Start.TokenIndex;
        var last = type.Stop.TokenIndex + 1;
        foreach (var index in _errorTokenIndexes)
        {
            if (index >= first && index <= last)
            {
                return true;
            }
        }

        return false;
    }

    // A type cut short by a syntax error has that error: it is not judged as C# as well.
    private static bool IsComplete(IParseTree node)
    {
        if (node is IErrorNode || (node is ParserRuleContext { exception: not null }) || (node is ITerminalNode terminal && terminal.Symbol.TokenIndex < 0))
        {
            return false;
        }

        for (var i = 0; i < node.ChildCount; i++)
        {
            if (!IsComplete(node.GetChild(i)))
            {
                return false;
            }
        }

        return true;
    }

    // The names in a type, in source order, for the checker's rules (Semantics/TypeChecker.cs).
    private void CollectNames(IParseTree node, List<TypeNamePart> names)
    {
        switch (node)
        {
            case ExpirablesParser.NamedTypeContext named when named.qualifiedName() is { } name:
            {
                var parts = name.identifier();
                var whole = parts.Length == 1 && named.GLOBAL_ALIAS() is null && named.typeArgumentList() is null && named.emptyTypeArgumentList() is null;
                foreach (var part in parts)
                {
                    if (BuildIdentifier(part) is { } identifier)
                    {
                        names.Add(new TypeNamePart(identifier, whole));
                    }
                }

                break;
            }

            case ExpirablesParser.TupleElementContext element:
                CollectNames(element.type(), names);
                if (BuildIdentifier(element.identifier()) is { } elementName)
                {
                    names.Add(new TypeNamePart(elementName, IsWholeTypeName: false));
                }

                return;
        }

        for (var i = 0; i < node.ChildCount; i++)
        {
            CollectNames(node.GetChild(i), names);
        }
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
}
