using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>How declared names become C# names (docs/generated-code-contract.md, "Naming").</summary>
public static class Naming
{
    /// <summary>
    /// Members a generated class has or inherits (from <c>ExpirableModule</c> and <c>object</c>): an
    /// expirable whose member name is one of these (or the class name) is EXP0103, as a property of
    /// that name would hide it (CS0108). <c>Runtime</c> and <c>ModuleName</c> are kept for the base
    /// class. A test keeps this list in step with the real runtime's members.
    /// </summary>
    public static IReadOnlyCollection<string> ReservedMemberNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Definitions", "FetchAsync", "GetAsync", "ClearAsync", "ClearAllAsync", "InvalidateAsync", "Create", "Runtime",
        "ModuleName", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize",
        "ReferenceEquals",
        // The keyed and stateful expirables' factories and name-based members (language version 2).
        "CreateKeyed", "CreateStateful", "CreateKeyedStateful", "PutStateAsync", "UpdateStateAsync",
    };

    /// <summary>The runtime's namespace: no generated class goes directly in it, beside the runtime's own types.</summary>
    public const string RuntimeNamespace = "ExpirableStore";

    /// <summary>
    /// The namespaces and types the generated code names (its usings, its <c>global::</c> names):
    /// a generated class of one of these full names would hide it there (CS0436, CS0437), so such a
    /// class is EXP0108. The runtime's types are covered by <see cref="RuntimeNamespace"/>.
    /// </summary>
    public static IReadOnlyCollection<string> NamesTheGeneratedCodeUses { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "System", "System.Collections", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks",
        "System.CodeDom", "System.CodeDom.Compiler", "System.CodeDom.Compiler.GeneratedCodeAttribute", "System.TimeSpan",
        RuntimeNamespace,
    };

    /// <summary>The generated constructor's parameter: inside the constructor, this name means it.</summary>
    public const string ConstructorParameterName = "runtime";

    /// <summary>
    /// Members the generated class itself declares besides the expirables' properties: a class
    /// name equal to one of these does not compile (CS0542), so it is EXP0103.
    /// </summary>
    public static IReadOnlyCollection<string> DeclaredMemberNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Definitions",
    };

    private static readonly HashSet<string> BuiltInTypeKeywords = new(StringComparer.Ordinal)
    {
        "bool", "byte", "char", "decimal", "double", "float", "int", "long", "object", "sbyte", "short",
        "string", "uint", "ulong", "ushort",
    };

    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class",
        "const", "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event",
        "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if",
        "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new",
        "null", "object", "operator", "out", "override", "params", "private", "protected", "public",
        "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static",
        "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong",
        "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        // Reserved too, though undocumented.
        "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    /// <summary>
    /// The C# property for a declared name: split on '_', drop empty parts, upper-case each part's
    /// first character and keep the rest (<c>github_access_token</c> -> <c>GithubAccessToken</c>,
    /// <c>fxRate</c> -> <c>FxRate</c>). A result starting with a digit gets a '_' prefix
    /// (<c>_2fa</c> -> <c>_2fa</c>); a name of only underscores gives the empty string.
    /// </summary>
    public static string MemberName(string declaredName)
    {
        if (declaredName is null)
        {
            throw new ArgumentNullException(nameof(declaredName));
        }

        var builder = new StringBuilder(declaredName.Length);
        var startOfPart = true;
        foreach (var c in declaredName)
        {
            if (c == '_')
            {
                startOfPart = true;
                continue;
            }

            builder.Append(startOfPart ? char.ToUpperInvariant(c) : c);
            startOfPart = false;
        }

        if (builder.Length > 0 && char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// The class name for a file without a <c>module</c> header: the file name without extension,
    /// split on every character that is not a letter or digit, each part's first character
    /// upper-cased (<c>fx-rates</c> -> <c>FxRates</c>); a leading digit gets a '_' prefix. A name
    /// with no letter or digit gives <c>Expirables</c>.
    /// </summary>
    public static string ClassNameFromFileName(string fileNameWithoutExtension)
    {
        if (fileNameWithoutExtension is null)
        {
            throw new ArgumentNullException(nameof(fileNameWithoutExtension));
        }

        var builder = new StringBuilder(fileNameWithoutExtension.Length);
        var startOfPart = true;
        foreach (var c in fileNameWithoutExtension)
        {
            if (!char.IsLetterOrDigit(c))
            {
                startOfPart = true;
                continue;
            }

            builder.Append(startOfPart ? char.ToUpperInvariant(c) : c);
            startOfPart = false;
        }

        if (builder.Length == 0)
        {
            return "Expirables";
        }

        if (char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reads a dotted name a host gives (a default namespace, a class name): C# identifiers
    /// separated by dots, each with an optional escaping '@' (<c>MyApp.@class</c>), letters of any
    /// script allowed as in C#. Returns the parts without their '@', or false.
    /// </summary>
    public static bool TryParseDottedName(string? text, out IReadOnlyList<string> parts)
    {
        parts = Array.Empty<string>();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var result = new List<string>();
        foreach (var part in text!.Split('.'))
        {
            var name = part.Length > 0 && part[0] == '@' ? part.Substring(1) : part;
            if (!IsIdentifier(name))
            {
                return false;
            }

            result.Add(name);
        }

        parts = result;
        return true;
    }

    // A C# identifier without '@': a letter or '_', then letters, digits, '_', combining marks
    // and formatting characters (C# spec, "Identifiers").
    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(name[0] == '_' || IsLetter(name[0])))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(IsLetter(c) || c == '_' || char.GetUnicodeCategory(c) is UnicodeCategory.DecimalDigitNumber
                    or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark
                    or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLetter(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.LetterNumber;

    /// <summary>Whether <paramref name="name"/> is a reserved C# keyword (contextual keywords are not).</summary>
    public static bool IsCSharpKeyword(string name) => CSharpKeywords.Contains(name);

    /// <summary>True for the keywords that name a built-in type (<c>int</c>, <c>string</c>, <c>object</c>...): a type on their own, nothing inside a longer name.</summary>
    public static bool IsBuiltInTypeKeyword(string name) => BuiltInTypeKeywords.Contains(name);

    /// <summary><paramref name="name"/> with a leading '@' when it is a C# keyword.</summary>
    public static string EscapeIdentifier(string name) => IsCSharpKeyword(name) ? "@" + name : name;

    /// <summary>
    /// A class name as the generated code declares it: with a leading '@' when it is a keyword or
    /// only lower-case ASCII letters. C# forbids or warns about those as type names (contextual
    /// keywords such as <c>file</c>, <c>required</c>, <c>scoped</c>, <c>record</c>; CS8981 for any
    /// other, since it may become a keyword) unless escaped.
    /// </summary>
    public static string EscapeClassName(string name)
    {
        if (IsCSharpKeyword(name))
        {
            return "@" + name;
        }

        foreach (var c in name)
        {
            if (c < 'a' || c > 'z')
            {
                return name;
            }
        }

        return name.Length == 0 ? name : "@" + name;
    }
}
