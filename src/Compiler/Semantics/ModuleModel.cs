using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>What a checked file means: the input of the C# generator.</summary>
internal sealed class ModuleModel
{
    public ModuleModel(SyntaxTree tree, string? @namespace, string className, IReadOnlyList<QualifiedNameSyntax> opens, IReadOnlyList<ExpirableModel> expirables, ClassIdentity? identity)
    {
        Tree = tree;
        Namespace = @namespace;
        ClassName = className;
        Opens = opens;
        Expirables = expirables;
        Identity = identity;
    }

    /// <summary>The file's syntax: its tokens, for the text of user-written names and types.</summary>
    public SyntaxTree Tree { get; }

    /// <summary>The class's full name and the namespaces the file uses, for the checks across files; null when a syntax error spoilt them.</summary>
    public ClassIdentity? Identity { get; }

    /// <summary>The namespace, unescaped (<c>MyApp.Auth</c>); null for the global namespace.</summary>
    public string? Namespace { get; }

    /// <summary>The class name, unescaped.</summary>
    public string ClassName { get; }

    /// <summary>The runtime's module name: <c>&lt;namespace&gt;.&lt;class&gt;</c>, or the class alone.</summary>
    public string ModuleName => string.IsNullOrEmpty(Namespace) ? ClassName : Namespace + "." + ClassName;

    public IReadOnlyList<QualifiedNameSyntax> Opens { get; }

    public IReadOnlyList<ExpirableModel> Expirables { get; }
}

/// <summary>One checked expirable, with every default applied.</summary>
internal sealed class ExpirableModel
{
    public ExpirableModel(
        ExpirableDeclarationSyntax declaration,
        string name,
        string memberName,
        QualifiedNameSyntax fetchMethod,
        ScopeValue scope,
        RefreshValue refresh,
        TimeSpan? eagerBefore,
        TimeSpan? timeout,
        TypeSyntax? keyType,
        TypeSyntax? stateType,
        bool stateRequired)
    {
        Declaration = declaration;
        Name = name;
        MemberName = memberName;
        FetchMethod = fetchMethod;
        Scope = scope;
        Refresh = refresh;
        EagerBefore = eagerBefore;
        Timeout = timeout;
        KeyType = keyType;
        StateType = stateType;
        StateRequired = stateRequired;
    }

    public ExpirableDeclarationSyntax Declaration { get; }

    /// <summary>The declared name without an escaping '@'.</summary>
    public string Name { get; }

    public string MemberName { get; }

    /// <summary>The value type in canonical spacing: <c>string</c> when not annotated.</summary>
    public string ValueType => Declaration.Type?.Text ?? "string";

    public QualifiedNameSyntax FetchMethod { get; }

    public ScopeValue Scope { get; }

    public RefreshValue Refresh { get; }

    public TimeSpan? EagerBefore { get; }

    public TimeSpan? Timeout { get; }

    /// <summary>The type of the key (<c>key T</c>); null when not keyed.</summary>
    public TypeSyntax? KeyType { get; }

    /// <summary>The type of the state (<c>state S</c>); null when stateless.</summary>
    public TypeSyntax? StateType { get; }

    /// <summary>True for <c>state S required</c>.</summary>
    public bool StateRequired { get; }

    /// <summary>True when a key or a state is declared: the version 2 kinds, with the second <c>ExpirableDefinition</c> constructor.</summary>
    public bool UsesVersion2 => KeyType is not null || StateType is not null;

    public int Line => Declaration.KeywordSpan.Line;
}

/// <summary>
/// What the checks across the files of a project (Semantics/ProjectChecker) need to know of one:
/// the full name of the class it generates, where to report a problem with it, and the namespaces
/// it opens.
/// </summary>
internal sealed class ClassIdentity
{
    public ClassIdentity(string? @namespace, string className, TextSpan span, IReadOnlyList<string> opens)
    {
        Namespace = @namespace;
        ClassName = className;
        Span = span;
        Opens = opens;
    }

    /// <summary>The namespace without any '@'; null for the global namespace.</summary>
    public string? Namespace { get; }

    public string ClassName { get; }

    /// <summary><c>Namespace.ClassName</c>, or the class name in the global namespace: the runtime's module name too.</summary>
    public string FullName => string.IsNullOrEmpty(Namespace) ? ClassName : Namespace + "." + ClassName;

    /// <summary>The 'module' name, else the 'namespace' name, else the file's start.</summary>
    public TextSpan Span { get; }

    /// <summary>The opened namespaces, without any '@'.</summary>
    public IReadOnlyList<string> Opens { get; }
}
