using System.Collections.Generic;
using System.Globalization;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>
/// Every diagnostic code of the language, in one place: a descriptor per code for tools (SARIF
/// rules, docs) and a named factory per situation for the compiler. Codes are stable: add new
/// ones, never reuse or renumber one. Each code has a section in <c>docs/dsl.md</c>.
/// </summary>
public static class DiagnosticBuilder
{
    /// <summary>Where the documentation of the codes lives; <see cref="HelpUriFor"/> appends an anchor.</summary>
    public const string HelpBaseUri = "https://github.com/expirablestore/expirablestore-dotnet/blob/main/docs/dsl.md";

    /// <summary>Every code the compiler can report, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        new DiagnosticDescriptor("EXP0001", DiagnosticSeverity.Error, "Syntax error", "Unexpected token; the message names what was expected."),
        new DiagnosticDescriptor("EXP0002", DiagnosticSeverity.Error, "Invalid character or unterminated comment", "A character that starts no token, or a '(*' block comment without its closing '*)'."),
        new DiagnosticDescriptor("EXP0003", DiagnosticSeverity.Error, "Malformed duration", "A duration is one or more <integer><unit> parts, largest unit first, each unit at most once; units d, h, m, s, ms."),
        new DiagnosticDescriptor("EXP0004", DiagnosticSeverity.Error, "Duration out of range", "Durations must be positive and at most 365d."),
        new DiagnosticDescriptor("EXP0101", DiagnosticSeverity.Error, "Duplicate expirable", "The same expirable name is declared twice in one file."),
        new DiagnosticDescriptor("EXP0102", DiagnosticSeverity.Error, "Member name clash", "Two expirable names become the same C# member name."),
        new DiagnosticDescriptor("EXP0103", DiagnosticSeverity.Error, "Reserved member name", "An expirable name becomes a member the generated class already has, or its class name, or has no letter or digit."),
        new DiagnosticDescriptor("EXP0104", DiagnosticSeverity.Error, "Missing fetch", "An expirable has no 'fetch' option."),
        new DiagnosticDescriptor("EXP0105", DiagnosticSeverity.Error, "Duplicate option", "An option is given twice in one expirable."),
        new DiagnosticDescriptor("EXP0106", DiagnosticSeverity.Error, "Misplaced header", "'namespace' or 'module' is given twice, or a header follows the first expirable."),
        new DiagnosticDescriptor("EXP0199", DiagnosticSeverity.Error, "Internal compiler error", "The compiler failed on this file; please report it with the file attached."),
        new DiagnosticDescriptor("EXP0201", DiagnosticSeverity.Warning, "Empty file", "The file declares no expirables."),
        new DiagnosticDescriptor("EXP0202", DiagnosticSeverity.Warning, "Timeout not shorter than eager refresh", "With 'refresh eager d' a 'timeout' of d or more lets a refresh still run when the value expires."),
    };

    /// <summary>The documentation address of <paramref name="code"/>.</summary>
    public static string HelpUriFor(string code) =>
        HelpBaseUri + "#" + code.ToLowerInvariant();

    internal static Factory At(string filePath, TextSpan span) => new(filePath, span);

    internal readonly struct Factory
    {
        private readonly string _filePath;
        private readonly TextSpan _span;

        public Factory(string filePath, TextSpan span)
        {
            _filePath = filePath;
            _span = span;
        }

        // EXP0001: the message comes from the parser's error strategy, which knows what it expected.
        public Diagnostic SyntaxError(string message) => Error("EXP0001", message);

        public Diagnostic InvalidCharacters(int count, string shown) =>
            Error("EXP0002", count == 1 ? $"invalid character {shown}" : $"invalid characters {shown}");

        public Diagnostic UnterminatedComment() =>
            Error("EXP0002", "unterminated block comment: this '(*' has no matching '*)'");

        public Diagnostic DurationWithoutUnit(string text) =>
            Error("EXP0003", $"malformed duration '{text}': a number needs a unit (d, h, m, s or ms), e.g. '{FirstDigits(text)}s'");

        public Diagnostic DurationUnknownUnit(string text, string unit) =>
            Error("EXP0003", $"malformed duration '{text}': unknown unit '{unit}'; expected d, h, m, s or ms");

        public Diagnostic DurationMalformed(string text) =>
            Error("EXP0003", $"malformed duration '{text}': expected <integer><unit> parts such as '30s' or '1h30m'");

        public Diagnostic DurationUnitsOutOfOrder(string text, string unit, string previous) =>
            Error("EXP0003", $"malformed duration '{text}': unit '{unit}' after '{previous}'; write the largest unit first, as in '1h30m'");

        public Diagnostic DurationUnitTwice(string text, string unit) =>
            Error("EXP0003", $"malformed duration '{text}': unit '{unit}' appears twice");

        public Diagnostic DurationNotPositive(string text) =>
            Error("EXP0004", $"duration '{text}' is zero; a positive duration is required");

        public Diagnostic DurationTooLong(string text) =>
            Error("EXP0004", $"duration '{text}' is longer than the maximum of 365d");

        public Diagnostic DuplicateExpirable(string name, int firstLine) =>
            Error("EXP0101", $"expirable '{name}' is already declared on line {Format(firstLine)}");

        public Diagnostic MemberNameClash(string name, string memberName, string otherName, int otherLine) =>
            Error("EXP0102", $"expirable '{name}' becomes the C# member '{memberName}', as does '{otherName}' on line {Format(otherLine)}; rename one of them");

        public Diagnostic ReservedMemberName(string name, string memberName) =>
            Error("EXP0103", $"expirable '{name}' becomes the C# member '{memberName}', which the generated class already has; choose another name");

        public Diagnostic MemberNameIsClassName(string name, string className) =>
            Error("EXP0103", $"expirable '{name}' becomes the C# member '{className}', the name of the generated class; choose another name or set 'module'");

        public Diagnostic ClassNameIsMemberName(string className) =>
            Error("EXP0103", $"the generated class would be named '{className}' like its own member '{className}', which C# does not allow; choose another name with 'module'");

        public Diagnostic NameWithoutLetters(string name) =>
            Error("EXP0103", $"expirable '{name}' has no letter or digit to make a C# member name from");

        public Diagnostic MissingFetch(string name) =>
            Error("EXP0104", $"expirable '{name}' has no 'fetch' option");

        public Diagnostic DuplicateOption(string option, string name, int firstLine) =>
            Error("EXP0105", $"option '{option}' is given twice in expirable '{name}' (first on line {Format(firstLine)})");

        public Diagnostic DuplicateHeader(string header, int firstLine) =>
            Error("EXP0106", $"'{header}' is given twice (first on line {Format(firstLine)}); a file has at most one");

        public Diagnostic HeaderAfterDeclaration(string header) =>
            Error("EXP0106", $"'{header}' must come before the first expirable");

        // The last resort of "never throws": a bug in the compiler, reported instead of a crash.
        public Diagnostic InternalError(string detail) =>
            Error("EXP0199", $"internal compiler error: {detail}");

        public Diagnostic EmptyFile() =>
            Warning("EXP0201", "the file declares no expirables");

        public Diagnostic TimeoutNotShorterThanEagerRefresh(string timeout, string eager) =>
            Warning("EXP0202", $"timeout {timeout} is not shorter than 'refresh eager {eager}': a refresh could still be running when the value expires");

        private Diagnostic Error(string code, string message) => Create(code, DiagnosticSeverity.Error, message);

        private Diagnostic Warning(string code, string message) => Create(code, DiagnosticSeverity.Warning, message);

        private Diagnostic Create(string code, DiagnosticSeverity severity, string message) =>
            new(code, severity, _filePath, _span.Line, _span.Column, _span.EndLine, _span.EndColumn, message);

        private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string FirstDigits(string text)
        {
            var length = 0;
            while (length < text.Length && length < 12 && char.IsDigit(text[length]))
            {
                length++;
            }

            return length == 0 ? "30" : text.Substring(0, length);
        }
    }
}

/// <summary>Describes one diagnostic code, for tools that list rules (SARIF) and for documentation.</summary>
public sealed class DiagnosticDescriptor
{
    internal DiagnosticDescriptor(string code, DiagnosticSeverity severity, string title, string description)
    {
        Code = code;
        DefaultSeverity = severity;
        Title = title;
        Description = description;
    }

    /// <summary>The stable code, such as <c>EXP0104</c>.</summary>
    public string Code { get; }

    /// <summary>The severity the compiler reports it with.</summary>
    public DiagnosticSeverity DefaultSeverity { get; }

    /// <summary>A short title.</summary>
    public string Title { get; }

    /// <summary>One sentence on when it is reported.</summary>
    public string Description { get; }

    /// <summary>The documentation address.</summary>
    public string HelpUri => DiagnosticBuilder.HelpUriFor(Code);
}
