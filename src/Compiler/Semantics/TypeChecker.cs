using System.Collections.Generic;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>
/// The rules every type annotation (the value's, a key's, a state's) follows beyond its syntax: it is
/// copied into C# as written, so what C# would read as a syntax error is reported here (EXP0112).
/// What the type means (does it exist) is C#'s to say, at this file's line through #line.
/// </summary>
internal static class TypeChecker
{
    /// <summary>False, with one diagnostic, when <paramref name="type"/> cannot be C#; true for a null type (nothing written).</summary>
    public static bool Check(TypeSyntax? type, string path, List<Diagnostic> diagnostics)
    {
        if (type is null)
        {
            return true;
        }

        // C# reads every part of a type's names as a name, except a built-in type keyword that is a whole
        // type name ('int', 'string?', 'List<int>'): a keyword anywhere else is a C# syntax error, unless escaped.
        foreach (var part in type.Names)
        {
            var name = part.Name;
            if (!name.IsEscaped && Naming.IsCSharpKeyword(name.Text) && !(part.IsWholeTypeName && Naming.IsBuiltInTypeKeyword(name.Text)))
            {
                diagnostics.Add(DiagnosticBuilder.At(path, name.Span).KeywordInType(name.Text, Duration.Shorten(type.Text), Naming.IsBuiltInTypeKeyword(name.Text)));
                return false;
            }
        }

        return true;
    }
}
