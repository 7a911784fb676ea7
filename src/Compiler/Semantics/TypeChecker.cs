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
        if (type?.KeywordAsName is not { } keyword)
        {
            return true;
        }

        diagnostics.Add(DiagnosticBuilder.At(path, keyword.Span).KeywordInType(keyword.Text, Duration.Shorten(type.Text)));
        return false;
    }
}
