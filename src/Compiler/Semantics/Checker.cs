using System;
using System.Collections.Generic;
using System.Linq;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>
/// The checks of dsl.md that need more than syntax (EXP0003..EXP0004 on duration literals,
/// EXP0101..EXP0106, EXP0201, EXP0202), and the model of the file for the generator. Every
/// check runs on a tree with syntax errors too, so one run reports all it can.
/// </summary>
internal sealed class Checker
{
    private readonly SyntaxTree _tree;
    private readonly CompilerOptions _options;
    private readonly string _path;
    private readonly List<Diagnostic> _diagnostics = new();

    private Checker(SyntaxTree tree, CompilerOptions options)
    {
        _tree = tree;
        _options = options;
        _path = tree.Source.Path;
    }

    public static (ModuleModel Model, IReadOnlyList<Diagnostic> Diagnostics) Check(SyntaxTree tree, CompilerOptions options)
    {
        var checker = new Checker(tree, options);
        var model = checker.Run();
        return (model, checker._diagnostics);
    }

    private ModuleModel Run()
    {
        var (namespaceHeader, moduleHeader, opens) = CheckHeaders();

        var className = CallerClassName()
            ?? (moduleHeader?.Name is { } module ? module.Parts[0].ValueText : Naming.ClassNameFromFileName(_tree.Source.FileNameWithoutExtension));
        // A module header whose name a syntax error spoilt ('module A.B') names a class nobody knows:
        // the checks against the class name would only report that error again.
        var classNameKnown = moduleHeader is not { Name: null } || !string.IsNullOrEmpty(_options.ClassName);
        if (classNameKnown && Naming.DeclaredMemberNames.Contains(className))
        {
            // C# forbids a member named like its class (CS0542): the generated class declares these.
            var span = string.IsNullOrEmpty(_options.ClassName) && moduleHeader?.Name is { } name ? name.Parts[0].Span : _tree.Lines.Span(0, 0);
            _diagnostics.Add(DiagnosticBuilder.At(_path, span).ClassNameIsMemberName(className));
        }

        var @namespace = namespaceHeader?.Name is { } ns
            ? string.Join(".", ns.Parts.Select(p => p.ValueText))
            : CallerNamespace();
        var namespaceKnown = namespaceHeader is null
            ? string.IsNullOrEmpty(_options.DefaultNamespace) || @namespace is not null
            : namespaceHeader.Name is not null;

        // Where a problem with the class's full name is shown: its 'module', else its 'namespace', else the file's start.
        var classSpan = string.IsNullOrEmpty(_options.ClassName) && moduleHeader?.Name is { } moduleName ? moduleName.Parts[0].Span
            : namespaceHeader?.Name?.Span ?? _tree.Lines.Span(0, 0);
        var identity = classNameKnown && namespaceKnown
            ? new ClassIdentity(@namespace, className, classSpan, opens.Select(o => string.Join(".", o.Parts.Select(p => p.ValueText))).ToArray())
            : null;
        if (identity is not null)
        {
            CheckFullName(identity, namespaceHeader);
        }

        var expirables = new List<ExpirableModel>();
        var byName = new Dictionary<string, ExpirableDeclarationSyntax>(StringComparer.Ordinal);
        var byMember = new Dictionary<string, ExpirableDeclarationSyntax>(StringComparer.Ordinal);
        foreach (var declaration in _tree.Declarations)
        {
            var model = CheckDeclaration(declaration, classNameKnown ? className : null, byName, byMember);
            if (model is not null)
            {
                expirables.Add(model);
            }
        }

        CheckFetchReferences(byMember);

        // A file that declares nothing because of its own syntax errors has been told why already.
        if (_tree.Declarations.Count == 0 && !_tree.HasErrors)
        {
            _diagnostics.Add(DiagnosticBuilder.At(_path, _tree.Lines.Span(0, 0)).EmptyFile());
        }

        return new ModuleModel(_tree, @namespace, className, opens, expirables, identity);
    }

    // A class whose full name is one the generated code itself uses (the namespaces of its usings
    // and global:: names, the runtime's types) would hide it there (CS0436, CS0437) and not compile.
    private void CheckFullName(ClassIdentity identity, HeaderSyntax? namespaceHeader)
    {
        if (Naming.NamesTheGeneratedCodeUses.Contains(identity.FullName))
        {
            _diagnostics.Add(DiagnosticBuilder.At(_path, identity.Span).ClassNameUsedByGeneratedCode(identity.FullName));
        }
        else if (string.Equals(identity.Namespace, Naming.RuntimeNamespace, StringComparison.Ordinal))
        {
            var span = namespaceHeader?.Name?.Span ?? _tree.Lines.Span(0, 0);
            _diagnostics.Add(DiagnosticBuilder.At(_path, span).ClassInRuntimeNamespace(identity.FullName, Naming.RuntimeNamespace));
        }
    }

    // A fetch reference is resolved inside the generated constructor, where a first name that is a
    // member of the class (its own, inherited, an expirable's property) or the constructor's
    // parameter means that, whatever class of the same name the user meant (a name from the global
    // namespace never is). The class's own name is not one: it may be the user's partial class.
    private void CheckFetchReferences(Dictionary<string, ExpirableDeclarationSyntax> properties)
    {
        foreach (var declaration in _tree.Declarations)
        {
            if (declaration.Option(OptionKind.Fetch)?.FetchMethod is not { IsGlobal: false } reference)
            {
                continue;
            }

            var first = reference.Parts[0];
            var name = first.ValueText;
            var shown = Duration.Shorten(name);
            var meaning = name == Naming.ConstructorParameterName ? $"the constructor's parameter '{shown}'"
                : properties.TryGetValue(name, out var owner) ? $"the property '{shown}' of expirable '{Duration.Shorten(owner.Name!.ValueText)}'"
                : Naming.ReservedMemberNames.Contains(name) ? $"its member '{shown}'"
                : null;
            if (meaning is not null)
            {
                _diagnostics.Add(DiagnosticBuilder.At(_path, first.Span).FetchReferenceMeansMember(shown, meaning, Duration.Shorten(reference.Text)));
            }
        }
    }

    // The host's default namespace and class name, without the '@' of escaped parts, as a header's
    // would be; null for none, and for one C# cannot declare, which is EXP0905.
    private string? CallerNamespace() => CallerName(_options.DefaultNamespace, "namespace", dotted: true);

    private string? CallerClassName() => CallerName(_options.ClassName, "class name", dotted: false);

    private string? CallerName(string? given, string what, bool dotted)
    {
        if (string.IsNullOrEmpty(given))
        {
            return null;
        }

        if (Naming.TryParseDottedName(given, out var parts) && (dotted || parts.Count == 1))
        {
            return string.Join(".", parts);
        }

        _diagnostics.Add(DiagnosticBuilder.ForFile(_path).InvalidCallerName(what, given!));
        return null;
    }

    private (HeaderSyntax? Namespace, HeaderSyntax? Module, List<QualifiedNameSyntax> Opens) CheckHeaders()
    {
        HeaderSyntax? namespaceHeader = null;
        HeaderSyntax? moduleHeader = null;
        var opens = new List<QualifiedNameSyntax>();
        var seenDeclaration = false;
        foreach (var item in _tree.Items)
        {
            if (item.Declaration is not null)
            {
                seenDeclaration = true;
                continue;
            }

            var header = item.Header!;
            var at = DiagnosticBuilder.At(_path, header.KeywordSpan);
            if (seenDeclaration)
            {
                _diagnostics.Add(at.HeaderAfterDeclaration(header.Keyword));
            }

            switch (header.Kind)
            {
                case HeaderKind.Namespace when namespaceHeader is not null:
                    if (!seenDeclaration)
                    {
                        _diagnostics.Add(at.DuplicateHeader("namespace", namespaceHeader.KeywordSpan.Line));
                    }

                    break;
                case HeaderKind.Namespace:
                    namespaceHeader = header;
                    break;
                case HeaderKind.Module when moduleHeader is not null:
                    if (!seenDeclaration)
                    {
                        _diagnostics.Add(at.DuplicateHeader("module", moduleHeader.KeywordSpan.Line));
                    }

                    break;
                case HeaderKind.Module:
                    moduleHeader = header;
                    break;
                case HeaderKind.Open when header.Name is not null:
                    opens.Add(header.Name);
                    break;
            }
        }

        return (namespaceHeader, moduleHeader, opens);
    }

    private ExpirableModel? CheckDeclaration(
        ExpirableDeclarationSyntax declaration,
        string? className,
        Dictionary<string, ExpirableDeclarationSyntax> byName,
        Dictionary<string, ExpirableDeclarationSyntax> byMember)
    {
        var name = declaration.Name;
        var shownName = name is null ? "?" : Duration.Shorten(name.ValueText);
        string? memberName = null;
        var namesOk = false;
        if (name is not null)
        {
            var at = DiagnosticBuilder.At(_path, name.Span);
            memberName = Naming.MemberName(name.ValueText);
            if (byName.TryGetValue(name.ValueText, out var first))
            {
                _diagnostics.Add(at.DuplicateExpirable(shownName, first.KeywordSpan.Line));
            }
            else
            {
                byName.Add(name.ValueText, declaration);
                if (memberName.Length == 0)
                {
                    _diagnostics.Add(at.NameWithoutLetters(shownName));
                }
                else if (Naming.ReservedMemberNames.Contains(memberName))
                {
                    _diagnostics.Add(at.ReservedMemberName(shownName, memberName));
                }
                else if (string.Equals(memberName, className, StringComparison.Ordinal))
                {
                    _diagnostics.Add(at.MemberNameIsClassName(shownName, className!));
                }
                else if (byMember.TryGetValue(memberName, out var clash))
                {
                    _diagnostics.Add(at.MemberNameClash(shownName, Duration.Shorten(memberName), Duration.Shorten(clash.Name!.ValueText), clash.KeywordSpan.Line));
                }
                else
                {
                    byMember.Add(memberName, declaration);
                    namesOk = true;
                }
            }
        }

        // A declaration with a syntax error has that one diagnostic: its types may be cut short by it.
        var typeOk = declaration.HasSyntaxErrors || TypeChecker.Check(declaration.Type, _path, _diagnostics);
        var options = OptionChecker.Check(declaration, shownName, _path, _diagnostics);
        if (!namesOk || !typeOk || options is null || declaration.HasSyntaxErrors)
        {
            return null;
        }

        return new ExpirableModel(
            declaration,
            name!.ValueText,
            memberName!,
            options.Fetch,
            options.Scope,
            options.Refresh,
            options.EagerBefore,
            options.Timeout,
            options.KeyType,
            options.StateType,
            options.StateRequired);
    }
}
