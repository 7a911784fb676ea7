using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ExpirableStore.Compiler.Diagnostics;

/// <summary>
/// Renders diagnostics as text, the one way every host prints them: the canonical MSBuild form
/// <c>path(3,17): error EXP0104: message</c> that IDEs and CI log parsers understand, and the
/// closing summary line. The CLI renders JSON and SARIF from the same <see cref="Diagnostic"/>
/// fields; those need System.Text.Json, which this netstandard2.0 library does not take on
/// because MSBuild loads it.
/// </summary>
public static class DiagnosticFormatter
{
    /// <summary>
    /// The severity a diagnostic is reported with: warnings become errors when
    /// <paramref name="warningsAsErrors"/> is set (the C# compiler's <c>-warnaserror</c>).
    /// </summary>
    public static DiagnosticSeverity EffectiveSeverity(Diagnostic diagnostic, bool warningsAsErrors)
    {
        if (diagnostic is null)
        {
            throw new ArgumentNullException(nameof(diagnostic));
        }

        return warningsAsErrors ? DiagnosticSeverity.Error : diagnostic.Severity;
    }

    /// <summary>The lower-case word for a severity: <c>error</c> or <c>warning</c>.</summary>
    public static string SeverityWord(DiagnosticSeverity severity) =>
        severity == DiagnosticSeverity.Error ? "error" : "warning";

    /// <summary>
    /// One diagnostic in the canonical form <c>path(line,column): error CODE: message</c>, or
    /// <c>path: error CODE: message</c> for one about the whole file. A message spread over several
    /// lines is joined into one, so that every diagnostic is one line of output.
    /// </summary>
    public static string FormatCanonical(Diagnostic diagnostic, bool warningsAsErrors = false)
    {
        if (diagnostic is null)
        {
            throw new ArgumentNullException(nameof(diagnostic));
        }

        var location = diagnostic.Line == 0
            ? diagnostic.FilePath
            : string.Format(CultureInfo.InvariantCulture, "{0}({1},{2})", diagnostic.FilePath, diagnostic.Line, diagnostic.Column);
        return location + ": " + SeverityWord(EffectiveSeverity(diagnostic, warningsAsErrors)) + " " + diagnostic.Code + ": " + OneLine(diagnostic.Message);
    }

    /// <summary>Writes each diagnostic on its own line, in the canonical form.</summary>
    public static void WriteCanonical(System.IO.TextWriter writer, IEnumerable<Diagnostic> diagnostics, bool warningsAsErrors = false)
    {
        if (writer is null)
        {
            throw new ArgumentNullException(nameof(writer));
        }

        if (diagnostics is null)
        {
            throw new ArgumentNullException(nameof(diagnostics));
        }

        foreach (var diagnostic in diagnostics)
        {
            writer.WriteLine(FormatCanonical(diagnostic, warningsAsErrors));
        }
    }

    /// <summary>
    /// The closing line of a run, such as <c>3 files checked: 2 errors, 1 warning.</c>
    /// </summary>
    /// <param name="fileCount">How many files were looked at.</param>
    /// <param name="diagnostics">Every diagnostic reported.</param>
    /// <param name="warningsAsErrors">Whether warnings are counted as errors.</param>
    /// <param name="verb">What was done to the files: <c>checked</c>, <c>compiled</c>.</param>
    public static string FormatSummary(int fileCount, IEnumerable<Diagnostic> diagnostics, bool warningsAsErrors = false, string verb = "checked")
    {
        if (diagnostics is null)
        {
            throw new ArgumentNullException(nameof(diagnostics));
        }

        var errors = 0;
        var warnings = 0;
        foreach (var diagnostic in diagnostics)
        {
            if (EffectiveSeverity(diagnostic, warningsAsErrors) == DiagnosticSeverity.Error)
            {
                errors++;
            }
            else
            {
                warnings++;
            }
        }

        return string.Format(
            CultureInfo.InvariantCulture,
            "{0} {1}: {2}, {3}.",
            Count(fileCount, "file"),
            verb,
            Count(errors, "error"),
            Count(warnings, "warning"));
    }

    private static string Count(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? string.Empty : "s");

    private static string OneLine(string message)
    {
        if (message.IndexOf('\n') < 0 && message.IndexOf('\r') < 0)
        {
            return message;
        }

        var builder = new StringBuilder(message.Length);
        foreach (var c in message)
        {
            builder.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return builder.ToString();
    }
}
