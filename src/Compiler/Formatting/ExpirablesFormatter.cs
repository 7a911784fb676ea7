using System;
using System.Collections.Generic;
using System.Linq;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;
using ExpirableStore.Compiler.Parsing.Internal;

namespace ExpirableStore.Compiler.Formatting;

/// <summary>
/// Rewrites a <c>.expirables</c> file in the one canonical layout described in <c>docs/cli.md</c>,
/// keeping every comment next to the tokens it annotates. Used by <c>expirablesc format</c>; it
/// lives in the compiler library so that any host (an IDE, the MSBuild task) formats the same way.
/// </summary>
public static class ExpirablesFormatter
{
    /// <summary>
    /// Formats one file. A file with syntax errors (EXP0001, EXP0002) or that is not text (EXP0005) is not formatted: the result
    /// carries those diagnostics and no text. Semantic problems (a missing <c>fetch</c>, a malformed
    /// duration) do not stop formatting; durations and names are kept as written. Never throws for
    /// any text.
    /// </summary>
    public static FormattingResult Format(SourceFile source)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (source.DecodingError is { } unreadable)
        {
            return new FormattingResult(source, new[] { unreadable }, null);
        }

        try
        {
            var tree = SyntaxTree.Parse(source);
            if (tree.HasErrors)
            {
                return new FormattingResult(source, tree.Diagnostics, null);
            }

            var text = new CanonicalLayout(tree).Render();
            var problem = Verify(tree, text);
            if (problem is not null)
            {
                return new FormattingResult(source, new[] { InternalError(source, problem) }, null);
            }

            return new FormattingResult(source, tree.Diagnostics, text);
        }
#pragma warning disable CA1031 // Same promise as the compiler: a formatter bug is reported, never a crash and never a rewritten file.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new FormattingResult(source, new[] { InternalError(source, exception.GetType().Name + ": " + exception.Message) }, null);
        }
    }

    // A formatter that lost a comment or changed a declaration would silently damage the user's
    // file; parsing the output again costs little and turns such a bug into a refusal to rewrite.
    private static string? Verify(SyntaxTree original, string formatted)
    {
        var reparsed = SyntaxTree.Parse(new SourceFile(original.Source.Path, formatted));
        if (reparsed.HasErrors)
        {
            return "the formatted text does not parse (" + reparsed.Diagnostics[0].Message + "); the file was left unchanged";
        }

        if (!original.IsEquivalentTo(reparsed))
        {
            return "formatting would change the declarations; the file was left unchanged";
        }

        if (!CommentsOf(original).SequenceEqual(CommentsOf(reparsed), StringComparer.Ordinal))
        {
            return "formatting would lose or move a comment; the file was left unchanged";
        }

        return null;
    }

    private static IEnumerable<string> CommentsOf(SyntaxTree tree) =>
        tree.Tokens.Where(t => t.Channel == ExpirablesLexer.COMMENTS).Select(t => CanonicalLayout.NormalizeComment(t.Text));

    private static Diagnostic InternalError(SourceFile source, string detail) =>
        DiagnosticBuilder.At(source.Path, ExpirablesCompiler.StartOfFile).InternalError("formatter: " + detail);
}
