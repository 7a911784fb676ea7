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

    /// <summary>Text for an XML doc comment.</summary>
    public static string XmlText(string value) =>
        value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ");

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
