using System;

namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>
/// One problem found in a <c>.expirables</c> file: a stable code (see <c>docs/dsl.md</c>), a
/// severity, the span of the offending token and a message that says what was expected.
/// Create them through <see cref="DiagnosticBuilder"/>, which holds every code.
/// </summary>
public sealed class Diagnostic : IEquatable<Diagnostic>
{
    internal Diagnostic(
        string code,
        DiagnosticSeverity severity,
        string filePath,
        int line,
        int column,
        int endLine,
        int endColumn,
        string message,
        int offset = -1)
    {
        Offset = offset;
        Code = code;
        Severity = severity;
        FilePath = filePath;
        Line = line;
        Column = column;
        EndLine = endLine;
        EndColumn = endColumn;
        Message = message;
    }

    /// <summary>The stable code, such as <c>EXP0104</c>.</summary>
    public string Code { get; }

    /// <summary>Whether this is an error or a warning.</summary>
    public DiagnosticSeverity Severity { get; }

    /// <summary>The path of the file, as given in <see cref="SourceFile.Path"/>.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line of the start of the offending token; 0 for a diagnostic about the whole file.</summary>
    public int Line { get; }

    /// <summary>The 1-based column (in UTF-16 code units) of the start of the offending token; 0 for a diagnostic about the whole file.</summary>
    public int Column { get; }

    /// <summary>The 1-based line of the end of the offending token.</summary>
    public int EndLine { get; }

    /// <summary>The 1-based column just past the end of the offending token (exclusive).</summary>
    public int EndColumn { get; }

    /// <summary>The character offset of the start in the file's text; -1 for a diagnostic about the whole file.</summary>
    internal int Offset { get; }

    /// <summary>What is wrong, and what was expected.</summary>
    public string Message { get; }

    /// <summary>The documentation page of this code.</summary>
    public string HelpUri => DiagnosticBuilder.HelpUriFor(Code);

    /// <summary>True for <see cref="DiagnosticSeverity.Error"/>.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>
    /// The canonical form that MSBuild and every IDE understand:
    /// <c>path(3,17): error EXP0104: message</c> (see <see cref="DiagnosticFormatter.FormatCanonical"/>).
    /// </summary>
    public override string ToString() => DiagnosticFormatter.FormatCanonical(this);

    /// <inheritdoc />
    public bool Equals(Diagnostic? other) =>
        other is not null
        && Code == other.Code
        && Severity == other.Severity
        && FilePath == other.FilePath
        && Line == other.Line
        && Column == other.Column
        && EndLine == other.EndLine
        && EndColumn == other.EndColumn
        && Message == other.Message;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Diagnostic);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        unchecked
        {
            var hash = StringComparer.Ordinal.GetHashCode(Code);
            hash = (hash * 31) + Line;
            hash = (hash * 31) + Column;
            return (hash * 31) + StringComparer.Ordinal.GetHashCode(Message);
        }
    }
}
