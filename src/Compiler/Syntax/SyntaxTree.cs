using System;
using System.Collections.Generic;
using System.Linq;
using Antlr4.Runtime;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Parsing;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>
/// A parsed <c>.expirables</c> file: its headers and declarations in file order, with the
/// positions of their tokens, and the lexical and syntax diagnostics (EXP0001, EXP0002) found on
/// the way. Parsing never throws and never stops at the first error.
/// </summary>
public sealed class SyntaxTree
{
    internal SyntaxTree(
        SourceFile source,
        IReadOnlyList<TopLevelItem> items,
        IReadOnlyList<Diagnostic> diagnostics,
        IReadOnlyList<IToken> tokens,
        LineMap lines,
        LexicalCascades cascades)
    {
        Cascades = cascades;
        Source = source;
        Items = items;
        Headers = items.Where(i => i.Header is not null).Select(i => i.Header!).ToArray();
        Declarations = items.Where(i => i.Declaration is not null).Select(i => i.Declaration!).ToArray();
        Diagnostics = diagnostics;
        Tokens = tokens;
        Lines = lines;
    }

    /// <summary>The file that was parsed.</summary>
    public SourceFile Source { get; }

    /// <summary>Headers and declarations in file order.</summary>
    public IReadOnlyList<TopLevelItem> Items { get; }

    /// <summary>The <c>namespace</c>, <c>module</c> and <c>open</c> headers in file order.</summary>
    public IReadOnlyList<HeaderSyntax> Headers { get; }

    /// <summary>The declarations in file order.</summary>
    public IReadOnlyList<ExpirableDeclarationSyntax> Declarations { get; }

    /// <summary>Lexical and syntax errors (EXP0001, EXP0002), sorted by position.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>True when <see cref="Diagnostics"/> has an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>
    /// Every token of the file, EOF included, on all channels: the default channel for the
    /// language, <see cref="Parsing.Internal.ExpirablesLexer.COMMENTS"/> for comments, HIDDEN (1) for
    /// white space and line breaks, <see cref="Parsing.Internal.ExpirablesLexer.ERRORS"/> for invalid characters.
    /// The formatter rebuilds files from these.
    /// </summary>
    internal IReadOnlyList<IToken> Tokens { get; }

    internal LineMap Lines { get; }

    /// <summary>The text each lexical diagnostic accounts for: later diagnostics there are left out.</summary>
    internal LexicalCascades Cascades { get; }

    /// <summary>Parses a file. Never throws for any text.</summary>
    public static SyntaxTree Parse(SourceFile source)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        return SourceParser.Parse(source);
    }


    /// <summary>
    /// Whether two trees declare the same things in the same order, ignoring positions, white
    /// space, comments and option separators: what a formatter must preserve.
    /// </summary>
    public bool IsEquivalentTo(SyntaxTree other)
    {
        if (other is null || Items.Count != other.Items.Count)
        {
            return false;
        }

        for (var i = 0; i < Items.Count; i++)
        {
            if (!Equivalent(Items[i], other.Items[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Equivalent(TopLevelItem a, TopLevelItem b)
    {
        if (a.Header is not null || b.Header is not null)
        {
            return a.Header is not null && b.Header is not null
                && a.Header.Kind == b.Header.Kind
                && a.Header.Name?.Text == b.Header.Name?.Text;
        }

        var x = a.Declaration!;
        var y = b.Declaration!;
        if (x.Name?.Text != y.Name?.Text || x.Type?.Text != y.Type?.Text || x.Options.Count != y.Options.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Options.Count; i++)
        {
            var p = x.Options[i];
            var q = y.Options[i];
            if (p.Kind != q.Kind
                || p.FetchMethod?.Text != q.FetchMethod?.Text
                || p.Scope != q.Scope
                || p.Refresh != q.Refresh
                || p.Duration?.Text != q.Duration?.Text
                || p.Type?.Text != q.Type?.Text
                || p.IsStateRequired != q.IsStateRequired
                || p.IsRequiredBeforeType != q.IsRequiredBeforeType)
            {
                return false;
            }
        }

        return true;
    }
}
