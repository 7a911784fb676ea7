using System;
using System.Collections.Generic;
using System.Linq;

namespace ExpirableStore.Compiler.Syntax;

/// <summary>A name as written: <c>github_access_token</c> or an escaped keyword such as <c>@lazy</c>.</summary>
public sealed class IdentifierSyntax
{
    internal IdentifierSyntax(string text, TextSpan span)
    {
        Text = text;
        Span = span;
        ValueText = text.Length > 0 && text[0] == '@' ? text.Substring(1) : text;
    }

    /// <summary>The name as written, with its '@' if escaped.</summary>
    public string Text { get; }

    /// <summary>The name without the escaping '@': what it means.</summary>
    public string ValueText { get; }

    /// <summary>Whether the name was written with a leading '@'.</summary>
    public bool IsEscaped => Text.Length > 0 && Text[0] == '@';

    /// <summary>Where it is.</summary>
    public TextSpan Span { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A dotted name: a namespace, an <c>open</c>, a fetch method reference.</summary>
public sealed class QualifiedNameSyntax
{
    /// <summary>The C# alias qualifier of the global namespace, as written before a fetch reference or type.</summary>
    public const string GlobalAlias = "global::";

    internal QualifiedNameSyntax(IReadOnlyList<IdentifierSyntax> parts, TextSpan span, bool isContiguous, bool isGlobal = false)
    {
        Parts = parts;
        Span = span;
        IsContiguous = isContiguous;
        IsGlobal = isGlobal;
    }

    /// <summary>The parts between the dots, as written.</summary>
    public IReadOnlyList<IdentifierSyntax> Parts { get; }

    private string? _text;

    /// <summary>The parts joined with '.', each as written.</summary>
    public string Text => _text ??= (IsGlobal ? GlobalAlias : string.Empty) + (Parts.Count == 1 ? Parts[0].Text : string.Join(".", Parts.Select(p => p.Text)));

    /// <summary>True when written with a leading <c>global::</c> (fetch references only).</summary>
    public bool IsGlobal { get; }

    /// <summary>From the first part (or the <c>global::</c> before it) to the last.</summary>
    public TextSpan Span { get; }

    /// <summary>True when written on one line with nothing (no space, no comment) between the parts and dots.</summary>
    public bool IsContiguous { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A C# type annotation: <c>decimal</c>, <c>Dictionary&lt;string, string&gt;</c>, <c>int[]?</c>.</summary>
public sealed class TypeSyntax
{
    internal TypeSyntax(string text, string sourceText, TextSpan span, bool isVerbatimUsable, bool isNullable, IReadOnlyList<TypeNamePart> names)
    {
        Text = text;
        SourceText = sourceText;
        Span = span;
        IsVerbatimUsable = isVerbatimUsable;
        IsNullable = isNullable;
        Names = names;
    }

    /// <summary>
    /// Every name in the type, in source order: the parts of its qualified and generic names and its tuple
    /// elements' names. Empty when a syntax error cut the type short (that error is its diagnostic).
    /// </summary>
    public IReadOnlyList<TypeNamePart> Names { get; }

    /// <summary>The type in canonical spacing (a space after each separating comma, none elsewhere).</summary>
    public string Text { get; }

    /// <summary>The type exactly as it appears in the file, comments and line breaks included.</summary>
    public string SourceText { get; }

    /// <summary>From the first token of the type to its last.</summary>
    public TextSpan Span { get; }

    /// <summary>True when <see cref="SourceText"/> is on one line and has no comment, so it can be copied into C# as is.</summary>
    public bool IsVerbatimUsable { get; }

    /// <summary>True when the type itself is nullable: it ends with '?' (<c>string?</c>, <c>int[]?</c>; not <c>int?[]</c>).</summary>
    public bool IsNullable { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A name in a type annotation; <paramref name="IsWholeTypeName"/> when it is all of a type's name (<c>int</c> in <c>List&lt;int&gt;</c>, not in <c>global::int</c>, <c>int.X</c> or <c>int&lt;T&gt;</c>, nor a tuple element's name).</summary>
public sealed record TypeNamePart(IdentifierSyntax Name, bool IsWholeTypeName);

/// <summary>A duration literal as written (<c>1h30m</c>); its meaning is checked by the compiler.</summary>
public sealed class DurationSyntax
{
    internal DurationSyntax(string text, TextSpan span)
    {
        Text = text;
        Span = span;
    }

    /// <summary>The literal as written.</summary>
    public string Text { get; }

    /// <summary>Where it is.</summary>
    public TextSpan Span { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>Which header a <see cref="HeaderSyntax"/> is.</summary>
public enum HeaderKind
{
    /// <summary><c>namespace A.B</c></summary>
    Namespace,

    /// <summary><c>module Name</c></summary>
    Module,

    /// <summary><c>open A.B</c></summary>
    Open,
}

/// <summary>A <c>namespace</c>, <c>module</c> or <c>open</c> line.</summary>
public sealed class HeaderSyntax
{
    internal HeaderSyntax(HeaderKind kind, TextSpan keywordSpan, QualifiedNameSyntax? name, TextSpan span)
    {
        Kind = kind;
        KeywordSpan = keywordSpan;
        Name = name;
        Span = span;
    }

    /// <summary>Which header.</summary>
    public HeaderKind Kind { get; }

    /// <summary>The keyword as written: <c>namespace</c>, <c>module</c> or <c>open</c>.</summary>
    public string Keyword => Kind switch
    {
        HeaderKind.Namespace => "namespace",
        HeaderKind.Module => "module",
        _ => "open",
    };

    /// <summary>Where the keyword is.</summary>
    public TextSpan KeywordSpan { get; }

    /// <summary>The name after the keyword (one part for <c>module</c>); null when a syntax error left it out.</summary>
    public QualifiedNameSyntax? Name { get; }

    /// <summary>The whole header.</summary>
    public TextSpan Span { get; }
}

/// <summary>Which option an <see cref="OptionSyntax"/> is.</summary>
public enum OptionKind
{
    /// <summary><c>fetch Type.Method</c></summary>
    Fetch,

    /// <summary><c>scope cluster|local</c></summary>
    Scope,

    /// <summary><c>refresh lazy|eager d</c></summary>
    Refresh,

    /// <summary><c>timeout d</c></summary>
    Timeout,

    /// <summary><c>key T</c> (version 2): one value per key of type <c>T</c>.</summary>
    Key,

    /// <summary><c>state S</c> or <c>state S required</c> (version 2): the fetch carries a state of type <c>S</c>.</summary>
    State,

    /// <summary>
    /// A <c>required</c> where an option starts, not right after the type of a <c>state</c>: it
    /// qualifies nothing, and is always an error (EXP0110) that says where it belongs.
    /// </summary>
    Required,
}

/// <summary>The value of a <c>scope</c> option.</summary>
public enum ScopeValue
{
    /// <summary>Shared by every process of the cluster.</summary>
    Cluster,

    /// <summary>This process only.</summary>
    Local,
}

/// <summary>The value of a <c>refresh</c> option.</summary>
public enum RefreshValue
{
    /// <summary>Fetch on the first access after expiry.</summary>
    Lazy,

    /// <summary>Refresh in the background before expiry.</summary>
    Eager,
}

/// <summary>
/// One option inside <c>&lt; &gt;</c>. Which value properties are set depends on <see cref="Kind"/>;
/// a value a syntax error left out is null.
/// </summary>
public sealed class OptionSyntax
{
    internal OptionSyntax(
        OptionKind kind,
        TextSpan keywordSpan,
        TextSpan span,
        QualifiedNameSyntax? fetchMethod = null,
        ScopeValue? scope = null,
        RefreshValue? refresh = null,
        TextSpan? valueSpan = null,
        DurationSyntax? duration = null,
        TypeSyntax? type = null,
        TextSpan? requiredSpan = null,
        bool requiredBeforeType = false)
    {
        Kind = kind;
        KeywordSpan = keywordSpan;
        Span = span;
        FetchMethod = fetchMethod;
        Scope = scope;
        Refresh = refresh;
        ValueSpan = valueSpan;
        Duration = duration;
        Type = type;
        RequiredSpan = requiredSpan;
        IsRequiredBeforeType = requiredBeforeType;
    }

    /// <summary>Which option.</summary>
    public OptionKind Kind { get; }

    /// <summary>The option keyword: <c>fetch</c>, <c>scope</c>, <c>refresh</c>, <c>timeout</c>, <c>key</c>, <c>state</c> (or a misplaced <c>required</c>).</summary>
    public string Keyword => Kind switch
    {
        OptionKind.Fetch => "fetch",
        OptionKind.Scope => "scope",
        OptionKind.Refresh => "refresh",
        OptionKind.Key => "key",
        OptionKind.State => "state",
        OptionKind.Required => "required",
        _ => "timeout",
    };

    /// <summary>Where the keyword is.</summary>
    public TextSpan KeywordSpan { get; }

    /// <summary>The whole option.</summary>
    public TextSpan Span { get; }

    /// <summary>For <c>fetch</c>: the method reference.</summary>
    public QualifiedNameSyntax? FetchMethod { get; }

    /// <summary>For <c>scope</c>: the scope.</summary>
    public ScopeValue? Scope { get; }

    /// <summary>For <c>refresh</c>: lazy or eager.</summary>
    public RefreshValue? Refresh { get; }

    /// <summary>For <c>scope</c> and <c>refresh</c>: where the value keyword (<c>local</c>, <c>eager</c>...) is.</summary>
    public TextSpan? ValueSpan { get; }

    /// <summary>For <c>refresh eager</c>: how long before expiry; for <c>timeout</c>: the bound.</summary>
    public DurationSyntax? Duration { get; }

    /// <summary>For <c>key</c>: the key type; for <c>state</c>: the state type.</summary>
    public TypeSyntax? Type { get; }

    /// <summary>For <c>state S required</c>: where the <c>required</c> is; null for <c>state S</c>.</summary>
    public TextSpan? RequiredSpan { get; }

    /// <summary>For <c>state</c>: true when written <c>state S required</c> (or, a mistake, <c>state required S</c>).</summary>
    public bool IsStateRequired => RequiredSpan is not null;

    /// <summary>For <c>state</c>: true when written <c>state required S</c>, the word before the type (EXP0110).</summary>
    public bool IsRequiredBeforeType { get; }
}

/// <summary>One <c>expirable name : type &lt; options &gt;</c> declaration.</summary>
public sealed class ExpirableDeclarationSyntax
{
    internal ExpirableDeclarationSyntax(
        TextSpan keywordSpan,
        IdentifierSyntax? name,
        TypeSyntax? type,
        IReadOnlyList<OptionSyntax> options,
        TextSpan span,
        bool hasSyntaxErrors)
    {
        KeywordSpan = keywordSpan;
        Name = name;
        Type = type;
        Options = options;
        Span = span;
        HasSyntaxErrors = hasSyntaxErrors;
    }

    /// <summary>Where the <c>expirable</c> keyword is; its line is the declaration's line.</summary>
    public TextSpan KeywordSpan { get; }

    /// <summary>The declared name; null when a syntax error left it out.</summary>
    public IdentifierSyntax? Name { get; }

    /// <summary>The type annotation, or null for the default (<c>string</c>).</summary>
    public TypeSyntax? Type { get; }

    /// <summary>The options in the order written.</summary>
    public IReadOnlyList<OptionSyntax> Options { get; }

    /// <summary>From the keyword to the closing '&gt;'.</summary>
    public TextSpan Span { get; }

    /// <summary>True when the parser had to recover inside this declaration.</summary>
    public bool HasSyntaxErrors { get; }

    /// <summary>The first option of the given kind, or null.</summary>
    public OptionSyntax? Option(OptionKind kind)
    {
        foreach (var option in Options)
        {
            if (option.Kind == kind)
            {
                return option;
            }
        }

        return null;
    }
}

/// <summary>A header or a declaration, in file order.</summary>
public sealed class TopLevelItem
{
    internal TopLevelItem(HeaderSyntax? header, ExpirableDeclarationSyntax? declaration)
    {
        Header = header;
        Declaration = declaration;
    }

    /// <summary>The header, when this item is one.</summary>
    public HeaderSyntax? Header { get; }

    /// <summary>The declaration, when this item is one.</summary>
    public ExpirableDeclarationSyntax? Declaration { get; }

    /// <summary>Where the item starts.</summary>
    public TextSpan Span => Header?.Span ?? Declaration!.Span;

    internal static TopLevelItem Of(HeaderSyntax header) => new(header ?? throw new ArgumentNullException(nameof(header)), null);

    internal static TopLevelItem Of(ExpirableDeclarationSyntax declaration) => new(null, declaration ?? throw new ArgumentNullException(nameof(declaration)));
}
