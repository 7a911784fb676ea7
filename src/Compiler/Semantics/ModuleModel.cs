using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>What a checked file means: the input of the C# generator.</summary>
internal sealed class ModuleModel
{
    public ModuleModel(string? @namespace, string className, IReadOnlyList<QualifiedNameSyntax> opens, IReadOnlyList<ExpirableModel> expirables)
    {
        Namespace = @namespace;
        ClassName = className;
        Opens = opens;
        Expirables = expirables;
    }

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
        TimeSpan? timeout)
    {
        Declaration = declaration;
        Name = name;
        MemberName = memberName;
        FetchMethod = fetchMethod;
        Scope = scope;
        Refresh = refresh;
        EagerBefore = eagerBefore;
        Timeout = timeout;
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

    public int Line => Declaration.KeywordSpan.Line;
}
