using System.Globalization;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Emit;

/// <summary>
/// Writes user-written text (a fetch reference, a type annotation) into the generated C# between
/// <c>#line (l,c)-(l,c) offset "path"</c> and <c>#line default</c>, so that a C# error in it is
/// reported at its place in the <c>.expirables</c> file. Roslyn reads the offset as the number of
/// characters before the mapped text on its line (not a 1-based column), and the path verbatim, up
/// to the next '"', with no escapes: a path that such a directive cannot hold gets none at all.
/// </summary>
internal sealed class LineDirectives
{
    private static readonly char[] UnwritableInPath = { '"', '\r', '\n' };

    private readonly CodeWriter _writer;
    private readonly string _quotedPath;

    public LineDirectives(CodeWriter writer, string path, bool enabled)
    {
        _writer = writer;
        _quotedPath = "\"" + path + "\"";
        Enabled = enabled && path.IndexOfAny(UnwritableInPath) < 0;
    }

    /// <summary>Whether directives are written: asked for, and the path can be written in one.</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Writes <paramref name="text"/> on a line of its own at the current indentation, mapped to
    /// <paramref name="span"/>. Text that is not a verbatim copy of the span is mapped to the span's
    /// first character only: a column inside it would otherwise point at the wrong character.
    /// </summary>
    public void WriteMapped(TextSpan span, string text, bool verbatim)
    {
        if (!Enabled)
        {
            _writer.Line(text);
            return;
        }

        var end = verbatim ? span : new TextSpan(span.Start, span.Start + 1, span.Line, span.Column, span.Line, span.Column + 1);
        _writer.Append("#line (").Append(Format(span.Line)).Append(',').Append(Format(span.Column))
            .Append(")-(").Append(Format(end.EndLine)).Append(',').Append(Format(end.EndColumn))
            .Append(") ").Append(Format(_writer.IndentWidth))
            .Append(' ').Append(_quotedPath).EndLine();
        _writer.Line(text);
        _writer.RawLine("#line default");
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
