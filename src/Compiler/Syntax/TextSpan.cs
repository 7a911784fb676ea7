namespace ExpirableStore.Compiler.Syntax;

/// <summary>
/// Where a piece of syntax is in its file: character offsets into <see cref="SourceFile.Text"/>
/// (end exclusive) and the matching 1-based lines and columns (end column exclusive). A leading
/// byte-order mark takes no column; CRLF, LF and a lone CR each end one line.
/// </summary>
public readonly struct TextSpan : System.IEquatable<TextSpan>
{
    /// <summary>Creates a span.</summary>
    public TextSpan(int start, int end, int line, int column, int endLine, int endColumn)
    {
        Start = start;
        End = end;
        Line = line;
        Column = column;
        EndLine = endLine;
        EndColumn = endColumn;
    }

    /// <summary>Offset of the first character.</summary>
    public int Start { get; }

    /// <summary>Offset just past the last character.</summary>
    public int End { get; }

    /// <summary>1-based line of the first character.</summary>
    public int Line { get; }

    /// <summary>1-based column of the first character.</summary>
    public int Column { get; }

    /// <summary>1-based line of the end.</summary>
    public int EndLine { get; }

    /// <summary>1-based column just past the last character.</summary>
    public int EndColumn { get; }

    /// <summary>Number of characters covered.</summary>
    public int Length => End - Start;

    /// <summary>The span from the start of <paramref name="first"/> to the end of <paramref name="last"/>.</summary>
    public static TextSpan Cover(TextSpan first, TextSpan last) =>
        new(first.Start, last.End, first.Line, first.Column, last.EndLine, last.EndColumn);

    /// <inheritdoc />
    public bool Equals(TextSpan other) => Start == other.Start && End == other.End;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TextSpan other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => unchecked((Start * 397) ^ End);

    /// <summary>Equality of offsets.</summary>
    public static bool operator ==(TextSpan left, TextSpan right) => left.Equals(right);

    /// <summary>Inequality of offsets.</summary>
    public static bool operator !=(TextSpan left, TextSpan right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, "({0},{1})-({2},{3})", Line, Column, EndLine, EndColumn);
}
