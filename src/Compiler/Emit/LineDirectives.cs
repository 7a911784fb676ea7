using System.Collections.Generic;
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

    private readonly CodeWriter _writer;
    private readonly string _quotedPath;

    public LineDirectives(CodeWriter writer, string path, bool enabled)
    {
        _writer = writer;
        _quotedPath = "\"" + path + "\"";
        Enabled = enabled && CanHold(path);
    }

    /// <summary>Whether directives are written: asked for, and the path can be written in one.</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Writes <paramref name="prefix"/>, the segments (one per line of the source, each under its own
    /// directive, column for column as in the file) and <paramref name="suffix"/>, starting a line
    /// at the current indentation; without directives, <paramref name="unmapped"/> on one line.
    /// </summary>
    public void WriteMapped(string prefix, IReadOnlyList<SourceSegment> segments, string suffix, string unmapped)
    {
        if (!Enabled)
        {
            _writer.Line(prefix + unmapped + suffix);
            return;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            WriteSegment(i == 0 ? prefix : string.Empty, segments[i], i == segments.Count - 1 ? suffix : string.Empty);
        }

        _writer.RawLine("#line default");
    }

    /// <summary><see cref="WriteMapped(string, IReadOnlyList{SourceSegment}, string, string)"/> for text on one line, the usual case.</summary>
    public void WriteMapped(string prefix, SourceSegment segment, string suffix, string unmapped)
    {
        if (!Enabled)
        {
            _writer.Line(prefix + unmapped + suffix);
            return;
        }

        WriteSegment(prefix, segment, suffix);
        _writer.RawLine("#line default");
    }

    private void WriteSegment(string prefix, SourceSegment segment, string suffix)
    {
        // Roslyn refuses an offset of 0 (CS8938): text that would start its line (the second line of a
        // name written over several lines, at the top of the file) gets one space before it.
        var lead = _writer.IndentWidth + prefix.Length == 0 ? " " : string.Empty;
        var span = segment.Span;
        _writer.Append("#line (").Append(Format(span.Line)).Append(',').Append(Format(span.Column))
            .Append(")-(").Append(Format(span.EndLine)).Append(',').Append(Format(span.EndColumn))
            .Append(") ").Append(Format(_writer.IndentWidth + lead.Length + prefix.Length))
            .Append(' ').Append(_quotedPath).EndLine();
        _writer.StartLine().Append(lead).Append(prefix).Append(segment.Text).Append(suffix).EndLine();
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    // A '"' would end the file name and a line terminator the directive (C# ends a line at CR, LF,
    // U+0085, U+2028 and U+2029); a lone surrogate cannot be written in UTF-8 at all.
    private static bool CanHold(string path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is '"' || CSharpText.IsLineTerminator(c))
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 == path.Length || !char.IsLowSurrogate(path[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
