using System;
using System.Globalization;
using System.Text;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// Writes a large, valid <c>.expirables</c> file with the variety of real ones: both scopes, lazy
/// and eager refresh, timeouts, generic, nullable, array and tuple types, escaped names, comments,
/// one-line and multi-line declarations. Deterministic: the same seed gives the same text.
/// </summary>
internal static class CompilerBenchmarkData
{
    private static readonly string[] Types =
    {
        string.Empty, "string", "decimal", "int?", "byte[]", "Dictionary<string, string>",
        "List<(string key, int count)>", "IReadOnlyList<Uri>?", "System.TimeSpan", "ImmutableArray<byte>",
    };

    private static readonly string[] Durations = { "500ms", "30s", "5m", "1h30m", "2d", "45s", "10m", "1h" };

    public static string Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var text = new StringBuilder(count * 120);
        text.Append("// Generated for the compiler benchmark: ").Append(count.ToString(CultureInfo.InvariantCulture)).Append(" expirables.\n");
        text.Append("namespace Benchmarks.Generated\nmodule LargeModule\n\nopen System.Collections.Immutable\nopen Benchmarks.Sources\n\n");
        for (var i = 0; i < count; i++)
        {
            var name = (random.Next(20) == 0 ? "@" : string.Empty) + "value_" + i.ToString(CultureInfo.InvariantCulture);
            var type = Types[random.Next(Types.Length)];
            if (random.Next(8) == 0)
            {
                text.Append("(* entry ").Append(i.ToString(CultureInfo.InvariantCulture)).Append(" *)\n");
            }

            text.Append("expirable ").Append(name);
            if (type.Length > 0)
            {
                text.Append(" : ").Append(type);
            }

            var options = new StringBuilder();
            options.Append("fetch Source").Append((i % 50).ToString(CultureInfo.InvariantCulture)).Append(".Fetch").Append(i.ToString(CultureInfo.InvariantCulture));
            var timeoutIndex = -1;
            if (random.Next(2) == 0)
            {
                options.Append(random.Next(2) == 0 ? "\n    scope local" : "\n    scope cluster");
            }

            if (random.Next(3) == 0)
            {
                // Eager lead times are the three largest durations, timeouts the short ones, so no EXP0202.
                options.Append("\n    refresh eager ").Append(Durations[4 + random.Next(2) * 3]);
                timeoutIndex = random.Next(3);
            }
            else if (random.Next(4) == 0)
            {
                options.Append("\n    refresh lazy");
            }

            if (timeoutIndex >= 0 || random.Next(3) == 0)
            {
                options.Append("\n    timeout ").Append(Durations[timeoutIndex >= 0 ? timeoutIndex : random.Next(3)]);
                if (random.Next(6) == 0)
                {
                    options.Append(" // generous");
                }
            }

            var body = options.ToString();
            if (body.Contains('\n', StringComparison.Ordinal))
            {
                text.Append(" <\n    ").Append(body).Append("\n>\n");
            }
            else
            {
                text.Append(" < ").Append(body).Append(" >\n");
            }
        }

        return text.ToString();
    }
}
