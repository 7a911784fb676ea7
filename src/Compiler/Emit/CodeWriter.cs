using System.Text;

namespace ExpirableStore.Compiler.Emit;

/// <summary>
/// Builds C# text line by line with four-space indentation and LF line ends. Long lines are
/// appended piece by piece (<see cref="StartLine"/>, <see cref="Append(string)"/>, <see cref="EndLine"/>) so
/// that no intermediate string is made per line.
/// </summary>
internal sealed class CodeWriter
{
    private const string IndentUnit = "    ";

    private readonly StringBuilder _text;

    public CodeWriter(int capacity) => _text = new StringBuilder(capacity);

    /// <summary>The current indentation, in levels.</summary>
    public int IndentLevel { get; private set; }

    /// <summary>The current indentation, in characters.</summary>
    public int IndentWidth => IndentLevel * IndentUnit.Length;

    public void Indent() => IndentLevel++;

    public void Unindent() => IndentLevel--;

    /// <summary>Writes a whole line at the current indentation (an empty line has no indentation).</summary>
    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            StartLine();
            _text.Append(text);
        }

        _text.Append('\n');
    }

    /// <summary>Writes a line as is, without indentation (a preprocessor directive).</summary>
    public void RawLine(string text) => _text.Append(text).Append('\n');

    /// <summary>Starts a line: writes the current indentation.</summary>
    public CodeWriter StartLine()
    {
        for (var i = 0; i < IndentLevel; i++)
        {
            _text.Append(IndentUnit);
        }

        return this;
    }

    public CodeWriter Append(string text)
    {
        _text.Append(text);
        return this;
    }

    public CodeWriter Append(char c)
    {
        _text.Append(c);
        return this;
    }

    /// <summary>Appends <paramref name="value"/> as a C# string literal.</summary>
    public CodeWriter AppendStringLiteral(string value)
    {
        CSharpText.AppendStringLiteral(_text, value);
        return this;
    }

    /// <summary>Appends <paramref name="value"/> as a C# string literal, or <c>null</c>.</summary>
    public CodeWriter AppendStringLiteralOrNull(string? value) => value is null ? Append("null") : AppendStringLiteral(value);

    public void EndLine() => _text.Append('\n');

    public override string ToString() => _text.ToString();
}
