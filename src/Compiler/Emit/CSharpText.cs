using System.Globalization;
using System.Text;

namespace ExpirableStore.Compiler.Emit;

/// <summary>Escaping for text the generator writes into C#.</summary>
internal static class CSharpText
{
    /// <summary>A regular C# string literal for any text (quotes, backslashes, control and non-ASCII characters escaped).</summary>
    public static string StringLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            AppendEscaped(builder, c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Appends what <see cref="StringLiteral"/> returns, without the intermediate string.</summary>
    public static void AppendStringLiteral(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            AppendEscaped(builder, c);
        }

        builder.Append('"');
    }

    /// <summary>Whether C# ends a line at <paramref name="c"/> (in a comment, a directive, a string).</summary>
    public static bool IsLineTerminator(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>
    /// Text for a <c>//</c> comment: a line terminator would end the comment (the rest becoming
    /// code), so each is a space; a character UTF-8 cannot hold (a lone surrogate) is U+FFFD.
    /// </summary>
    public static string CommentText(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsLineTerminator(c))
            {
                builder.Append(' ');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Text for an XML doc comment: <see cref="CommentText"/>, with the XML markup characters as
    /// entities and the characters XML 1.0 cannot hold (controls, U+FFFE, U+FFFF) as U+FFFD, so that
    /// a project that checks its documentation (CS1570) gets no warning.
    /// </summary>
    public static string XmlText(string value)
    {
        var text = CommentText(value);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default:
                    builder.Append((c < 0x20 && c != '\t') || c is '\uFFFE' or '\uFFFF' ? '\uFFFD' : c);
                    break;
            }
        }

        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, char c)
    {
        switch (c)
        {
            case '"': builder.Append("\\\""); break;
            case '\\': builder.Append("\\\\"); break;
            case '\0': builder.Append("\\0"); break;
            case '\a': builder.Append("\\a"); break;
            case '\b': builder.Append("\\b"); break;
            case '\f': builder.Append("\\f"); break;
            case '\n': builder.Append("\\n"); break;
            case '\r': builder.Append("\\r"); break;
            case '\t': builder.Append("\\t"); break;
            case '\v': builder.Append("\\v"); break;
            default:
                if (c < 0x20 || c > 0x7E)
                {
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(c);
                }

                break;
        }
    }
}
