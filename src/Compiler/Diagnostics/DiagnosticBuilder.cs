using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>
/// Every diagnostic code, in one place: each code is declared once, with its severity, title and
/// description, right above the factories that report it; <see cref="All"/> is the list of those
/// declarations. Codes are stable: add new ones with the next free number, never reuse or
/// renumber one. Each code has a section in <c>docs/dsl.md</c> (<see cref="HelpUriFor"/>).
/// </summary>
/// <remarks>
/// To add a code: declare it with <see cref="Error"/> or <see cref="Warning"/> in code order, add a
/// factory to <see cref="Factory"/> that uses it, document it in <c>docs/dsl.md</c> (table and
/// reference section), and add a test file <c>tests/Compiler.Tests/Diagnostics/EXPnnnn*.expirables</c>
/// (a test fails for a code without one).
/// </remarks>
public static class DiagnosticBuilder
{
    /// <summary>Where the documentation of the codes lives; <see cref="HelpUriFor"/> appends an anchor.</summary>
    public const string HelpBaseUri = "https://github.com/expirablestore/expirablestore-dotnet/blob/main/docs/dsl.md";

    // Filled by Error() and Warning() as the declarations below are initialized (in text order).
    private static readonly List<DiagnosticDescriptor> Declared = new();

    // Lexical and syntax errors.
    private static readonly DiagnosticDescriptor SyntaxErrorCode = Error("EXP0001", "Syntax error", "Unexpected token; the message names what was expected.");
    private static readonly DiagnosticDescriptor InvalidCharacterCode = Error("EXP0002", "Invalid character or unterminated comment", "A character that starts no token, or a '(*' block comment without its closing '*)'.");
    private static readonly DiagnosticDescriptor MalformedDurationCode = Error("EXP0003", "Malformed duration", "A duration is one or more <integer><unit> parts, largest unit first, each unit at most once; units d, h, m, s, ms.");
    private static readonly DiagnosticDescriptor DurationOutOfRangeCode = Error("EXP0004", "Duration out of range", "Durations must be positive and at most 365d.");
    private static readonly DiagnosticDescriptor NotTextCode = Error("EXP0005", "Not UTF-8 text", "The file's bytes are not text in its encoding: not UTF-8, or NUL bytes as in UTF-16 without a byte-order mark.");

    // Semantic errors.
    private static readonly DiagnosticDescriptor DuplicateExpirableCode = Error("EXP0101", "Duplicate expirable", "The same expirable name is declared twice in one file.");
    private static readonly DiagnosticDescriptor MemberNameClashCode = Error("EXP0102", "Member name clash", "Two expirable names become the same C# member name.");
    private static readonly DiagnosticDescriptor ReservedMemberNameCode = Error("EXP0103", "Reserved member name", "An expirable name becomes a member the generated class already has, or its class name, or has no letter or digit.");
    private static readonly DiagnosticDescriptor MissingFetchCode = Error("EXP0104", "Missing fetch", "An expirable has no 'fetch' option.");
    private static readonly DiagnosticDescriptor DuplicateOptionCode = Error("EXP0105", "Duplicate option", "An option is given twice in one expirable.");
    private static readonly DiagnosticDescriptor MisplacedHeaderCode = Error("EXP0106", "Misplaced header", "'namespace' or 'module' is given twice, or a header follows the first expirable.");
    private static readonly DiagnosticDescriptor ClassNameClashCode = Error("EXP0107", "Class name clash", "Two files of a project generate the same class, or a class with the name of a namespace a file declares or opens.");
    private static readonly DiagnosticDescriptor ClassNameUsedByGeneratedCodeCode = Error("EXP0108", "Class name the generated code needs", "The class would have the full name of a namespace or type the generated code uses (System, System.Threading.Tasks, ...), or be in the runtime's namespace ExpirableStore.");
    private static readonly DiagnosticDescriptor FetchReferenceMeansMemberCode = Error("EXP0109", "Fetch reference names a member", "The first name of a fetch reference is a member of the generated class or its constructor's parameter, which is what it would mean there.");
    private static readonly DiagnosticDescriptor MisplacedRequiredCode = Error("EXP0110", "Misplaced 'required'", "'required' qualifies a state: it is written right after the type of a 'state' option, as in 'state RefreshToken required'.");
    private static readonly DiagnosticDescriptor NullableKeyTypeCode = Error("EXP0111", "Nullable key type", "The type of a 'key' cannot be nullable ('key string?', 'key int?'): a key is never null.");
    private static readonly DiagnosticDescriptor KeywordInTypeCode = Error("EXP0112", "C# keyword in a type", "A type annotation uses a C# keyword where C# reads a name ('Foo.class', 'string.Empty', 'global::int', 'void'): write the name with '@' ('Foo.@class'), or the built-in type on its own ('int').");
    private static readonly DiagnosticDescriptor InternalErrorCode = Error("EXP0199", "Internal compiler error", "The compiler failed on this file; please report it with the file attached.");

    // Warnings.
    private static readonly DiagnosticDescriptor EmptyFileCode = Warning("EXP0201", "Empty file", "The file declares no expirables.");
    private static readonly DiagnosticDescriptor TimeoutNotShorterCode = Warning("EXP0202", "Timeout not shorter than eager refresh", "With 'refresh eager d' a 'timeout' of d or more lets a refresh still run when the value expires.");

    // The build integration and the command line (about a whole file: no line or column).
    private static readonly DiagnosticDescriptor MissingOutputFileCode = Error("EXP0901", "Missing output file", "An Expirables item reached the MSBuild task without 'OutputFile' metadata (customized targets).");
    private static readonly DiagnosticDescriptor OutputClashCode = Error("EXP0902", "Output clash", "Two .expirables files would write the same generated file.");
    private static readonly DiagnosticDescriptor CannotReadCode = Error("EXP0903", "Cannot read file", "A .expirables file cannot be read.");
    private static readonly DiagnosticDescriptor CannotWriteCode = Error("EXP0904", "Cannot write file", "A generated file cannot be written.");
    private static readonly DiagnosticDescriptor InvalidCallerNameCode = Error("EXP0905", "Invalid namespace or class name option", "The namespace or class name the build gives (RootNamespace, Namespace or ClassName metadata) is not a C# name.");

    /// <summary>Every code the compiler and its hosts can report, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = Declared.OrderBy(d => d.Code, System.StringComparer.Ordinal).ToArray();

    /// <summary>The documentation address of <paramref name="code"/>.</summary>
    public static string HelpUriFor(string code) =>
        HelpBaseUri + "#" + (code ?? throw new System.ArgumentNullException(nameof(code))).ToLowerInvariant();

    /// <summary>EXP0901, for the MSBuild task: an item reached it without the metadata naming its output.</summary>
    public static Diagnostic MissingOutputFile(string sourcePath, string metadataName) =>
        ForFile(sourcePath).MissingOutputFile(metadataName);

    /// <summary>Diagnostics at a span of a file.</summary>
    internal static Factory At(string filePath, TextSpan span) => new(filePath, span.Start, span.Line, span.Column, span.EndLine, span.EndColumn);

    /// <summary>Diagnostics about a whole file (no line or column: reported as 0).</summary>
    internal static Factory ForFile(string filePath) => new(filePath, -1, 0, 0, 0, 0);

    private static DiagnosticDescriptor Error(string code, string title, string description) => Declare(code, DiagnosticSeverity.Error, title, description);

    private static DiagnosticDescriptor Warning(string code, string title, string description) => Declare(code, DiagnosticSeverity.Warning, title, description);

    private static DiagnosticDescriptor Declare(string code, DiagnosticSeverity severity, string title, string description)
    {
        var descriptor = new DiagnosticDescriptor(code, severity, title, description);
        Declared.Add(descriptor);
        return descriptor;
    }

    /// <summary>One factory per situation; each message says what is wrong and what was expected.</summary>
    internal readonly struct Factory
    {
        private readonly string _filePath;
        private readonly int _offset;
        private readonly int _line;
        private readonly int _column;
        private readonly int _endLine;
        private readonly int _endColumn;

        public Factory(string filePath, int offset, int line, int column, int endLine, int endColumn)
        {
            _filePath = filePath;
            _offset = offset;
            _line = line;
            _column = column;
            _endLine = endLine;
            _endColumn = endColumn;
        }

        // EXP0001: the message comes from the parser's error strategy, which knows what it expected.
        public Diagnostic SyntaxError(string message) => Create(SyntaxErrorCode, message);

        public Diagnostic InvalidCharacters(int count, string shown) =>
            Create(InvalidCharacterCode, count == 1 ? $"invalid character {shown}" : $"invalid characters {shown}");

        public Diagnostic InvalidCharactersInWord(int count, string shown, string word) =>
            Create(InvalidCharacterCode, (count == 1 ? $"invalid character {shown}" : $"invalid characters {shown}") + $" in '{word}': names have only ASCII letters, digits and '_'");

        public Diagnostic StrayCommentEnd() =>
            Create(InvalidCharacterCode, "'*)' closes no comment: there is no '(*' before it");

        public Diagnostic UnterminatedComment() =>
            Create(InvalidCharacterCode, "unterminated block comment: this '(*' has no matching '*)'");

        public Diagnostic NulBytes() =>
            Create(NotTextCode, "the file is not UTF-8 text: it has NUL bytes, as text in UTF-16 without a byte-order mark has; save it as UTF-8");

        public Diagnostic NotValidText(string encoding, string unreadableByte) =>
            Create(NotTextCode, $"the file is not valid {encoding}: byte {unreadableByte} here is not {encoding} text; save the file as UTF-8");

        public Diagnostic DurationWithoutUnit(string text) =>
            Create(MalformedDurationCode, $"malformed duration '{text}': a number needs a unit (d, h, m, s or ms), e.g. '{FirstDigits(text)}s'");

        public Diagnostic DurationUnknownUnit(string text, string unit) =>
            Create(MalformedDurationCode, $"malformed duration '{text}': unknown unit '{unit}'; expected d, h, m, s or ms");

        public Diagnostic DurationMalformed(string text) =>
            Create(MalformedDurationCode, $"malformed duration '{text}': expected <integer><unit> parts such as '30s' or '1h30m'");

        public Diagnostic DurationWithSpaces(string text, string glued) =>
            Create(MalformedDurationCode, $"malformed duration '{text}': a duration has no spaces inside; write '{glued}'");

        public Diagnostic DurationUnitsOutOfOrder(string text, string unit, string previous) =>
            Create(MalformedDurationCode, $"malformed duration '{text}': unit '{unit}' after '{previous}'; write the largest unit first, as in '1h30m'");

        public Diagnostic DurationUnitTwice(string text, string unit) =>
            Create(MalformedDurationCode, $"malformed duration '{text}': unit '{unit}' appears twice");

        public Diagnostic DurationNotPositive(string text) =>
            Create(DurationOutOfRangeCode, $"duration '{text}' is zero; a positive duration is required");

        public Diagnostic DurationTooLong(string text) =>
            Create(DurationOutOfRangeCode, $"duration '{text}' is longer than the maximum of 365d");

        public Diagnostic DuplicateExpirable(string name, int firstLine) =>
            Create(DuplicateExpirableCode, $"expirable '{name}' is already declared on line {Format(firstLine)}");

        public Diagnostic MemberNameClash(string name, string memberName, string otherName, int otherLine) =>
            Create(MemberNameClashCode, $"expirable '{name}' becomes the C# member '{memberName}', as does '{otherName}' on line {Format(otherLine)}; rename one of them");

        public Diagnostic ReservedMemberName(string name, string memberName) =>
            Create(ReservedMemberNameCode, $"expirable '{name}' becomes the C# member '{memberName}', which the generated class already has; choose another name");

        public Diagnostic MemberNameIsClassName(string name, string className) =>
            Create(ReservedMemberNameCode, $"expirable '{name}' becomes the C# member '{className}', the name of the generated class; choose another name or set 'module'");

        public Diagnostic ClassNameIsMemberName(string className) =>
            Create(ReservedMemberNameCode, $"the generated class would be named '{className}' like its own member '{className}', which C# does not allow; choose another name with 'module'");

        public Diagnostic NameWithoutLetters(string name) =>
            Create(ReservedMemberNameCode, $"expirable '{name}' has no letter or digit to make a C# member name from");

        public Diagnostic MissingFetch(string name) =>
            Create(MissingFetchCode, $"expirable '{name}' has no 'fetch' option");

        public Diagnostic DuplicateOption(string option, string name, int firstLine) =>
            Create(DuplicateOptionCode, $"option '{option}' is given twice in expirable '{name}' (first on line {Format(firstLine)})");

        public Diagnostic DuplicateHeader(string header, int firstLine) =>
            Create(MisplacedHeaderCode, $"'{header}' is given twice (first on line {Format(firstLine)}); a file has at most one");

        public Diagnostic HeaderAfterDeclaration(string header) =>
            Create(MisplacedHeaderCode, $"'{header}' must come before the first expirable");

        public Diagnostic ClassNameClash(string fullName, string otherFile) =>
            Create(ClassNameClashCode, $"the class '{fullName}' is also generated from '{otherFile}'; give one of them another 'module' or 'namespace'");

        public Diagnostic ClassNameIsNamespace(string fullName, string? otherFile, string how) =>
            Create(ClassNameClashCode, $"the class '{fullName}' has the name of a namespace that {(otherFile is null ? "this file" : "'" + otherFile + "'")} {how}; C# cannot have both: choose another 'module' or 'namespace'");

        public Diagnostic ClassNameUsedByGeneratedCode(string fullName) =>
            Create(ClassNameUsedByGeneratedCodeCode, $"the class '{fullName}' would hide the namespace or type '{fullName}' that the generated code uses; choose another 'module' or 'namespace'");

        public Diagnostic ClassInRuntimeNamespace(string fullName, string runtimeNamespace) =>
            Create(ClassNameUsedByGeneratedCodeCode, $"the class '{fullName}' would be in the runtime's own namespace '{runtimeNamespace}', beside the types the generated code uses; choose another 'namespace'");

        public Diagnostic FetchReferenceMeansMember(string first, string meaning, string reference) =>
            Create(FetchReferenceMeansMemberCode, $"in the generated class, '{first}' means {meaning}, so 'fetch {reference}' cannot reach a class '{first}'; write the reference from the global namespace: 'fetch global::<namespace>.{reference}'");

        public Diagnostic RequiredWithoutState(string name) =>
            Create(MisplacedRequiredCode, $"'required' qualifies a state, and expirable '{name}' has no 'state': write 'state S required', with S the type of the state its fetch receives, to require a state before the first fetch");

        public Diagnostic RequiredNotAfterStateType(string stateType) =>
            Create(MisplacedRequiredCode, $"'required' must come right after the type of the 'state' option: write 'state {stateType} required'");

        public Diagnostic StateTypeMissing(string name) =>
            Create(MisplacedRequiredCode, $"the 'state' of expirable '{name}' has no type: 'required' follows the type of the state, as in 'state S required', with S the type of the state its fetch receives");

        public Diagnostic RequiredTwice(string stateType, int stateLine) =>
            Create(MisplacedRequiredCode, $"'required' is given twice: the state is already 'state {stateType} required' (line {Format(stateLine)})");

        public Diagnostic NullableKeyType(string keyType, string nonNullable) =>
            Create(NullableKeyTypeCode, $"the key type '{keyType}' is nullable, but a key is never null: write 'key {nonNullable}'");

        public Diagnostic KeywordInType(string keyword, string type, bool isBuiltInType) => Create(
            KeywordInTypeCode,
            keyword == "void"
                ? $"'void' in the type '{type}' is not a type a value can have"
                : isBuiltInType
                    ? $"'{keyword}' in the type '{type}' is C#'s built-in type, which is a type only on its own: a name that is '{keyword}' is written '@{keyword}'"
                    : $"'{keyword}' in the type '{type}' is a C# keyword: a name that is '{keyword}' is written '@{keyword}'");

        // The last resort of "never throws": a bug in the compiler, reported instead of a crash.
        public Diagnostic InternalError(string detail) =>
            Create(InternalErrorCode, $"internal compiler error: {detail}");

        public Diagnostic EmptyFile() =>
            Create(EmptyFileCode, "the file declares no expirables");

        public Diagnostic TimeoutNotShorterThanEagerRefresh(string timeout, string eager) =>
            Create(TimeoutNotShorterCode, $"timeout {timeout} is not shorter than 'refresh eager {eager}': a refresh could still be running when the value expires");

        public Diagnostic MissingOutputFile(string metadataName) =>
            Create(MissingOutputFileCode, $"the Expirables item has no '{metadataName}' metadata: the build integration was customized incorrectly");

        public Diagnostic OutputClash(string firstSource, string outputPath) =>
            Create(OutputClashCode, $"'{firstSource}' and '{_filePath}' would both generate '{outputPath}'; rename one of them or give it another output");

        public Diagnostic InvalidCallerName(string what, string given) =>
            Create(InvalidCallerNameCode, what == "namespace"
                ? $"the namespace '{Shorten(given)}' given for files without a 'namespace' header is not a C# namespace: expected names separated by dots, such as MyApp.Auth"
                : $"the class name '{Shorten(given)}' given for this file is not a C# name");

        public Diagnostic CannotRead(string reason) =>
            Create(CannotReadCode, $"cannot read '{_filePath}': {reason}");

        public Diagnostic CannotWrite(string reason) =>
            Create(CannotWriteCode, $"cannot write '{_filePath}': {reason}");

        private Diagnostic Create(DiagnosticDescriptor descriptor, string message) =>
            new(descriptor.Code, descriptor.DefaultSeverity, _filePath, _line, _column, _endLine, _endColumn, message, _offset);

        private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

        private static string Shorten(string text) => text.Length > 80 ? text.Substring(0, 80) + "..." : text;

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
