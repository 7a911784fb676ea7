using System.Collections.Generic;
using System.Linq;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler.Formatting;

/// <summary>The outcome of <see cref="ExpirablesFormatter.Format"/>.</summary>
public sealed class FormattingResult
{
    internal FormattingResult(SourceFile source, IReadOnlyList<Diagnostic> diagnostics, string? formattedText)
    {
        Source = source;
        Diagnostics = diagnostics;
        FormattedText = formattedText;
    }

    /// <summary>The file that was formatted.</summary>
    public SourceFile Source { get; }

    /// <summary>Why the file could not be formatted (syntax errors); empty when it was.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>True when the file could not be formatted; then <see cref="FormattedText"/> is null.</summary>
    public bool HasErrors => FormattedText is null || Diagnostics.Any(d => d.IsError);

    /// <summary>The file in canonical layout (LF line ends, one final newline), or null on errors.</summary>
    public string? FormattedText { get; }
}
