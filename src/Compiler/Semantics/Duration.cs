using System;
using System.Collections.Generic;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Semantics;

/// <summary>Reads duration literals: <c>500ms</c>, <c>30s</c>, <c>1h30m</c>, <c>2d</c>.</summary>
internal static class Duration
{
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(365);

    private static readonly long MaximumMilliseconds = (long)Maximum.TotalMilliseconds;

    private static readonly Dictionary<string, (int Rank, long Milliseconds)> Units = new(StringComparer.Ordinal)
    {
        ["d"] = (5, 86_400_000L),
        ["h"] = (4, 3_600_000L),
        ["m"] = (3, 60_000L),
        ["s"] = (2, 1_000L),
        ["ms"] = (1, 1L),
    };

    /// <summary>The value of <paramref name="duration"/>, or null after adding an EXP0003 or EXP0004.</summary>
    public static TimeSpan? Read(DurationSyntax duration, string filePath, ICollection<Diagnostic> diagnostics)
    {
        var text = duration.Text;
        var at = DiagnosticBuilder.At(filePath, duration.Span);
        var shown = Shorten(text);
        var position = 0;
        var previousRank = int.MaxValue;
        var previousUnit = string.Empty;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        var tooLong = false;

        if (text.IndexOf(' ') >= 0)
        {
            diagnostics.Add(at.DurationWithSpaces(shown, Shorten(text.Replace(" ", string.Empty))));
            return null;
        }

        foreach (var c in text)
        {
            if (!IsAsciiLetterOrDigit(c))
            {
                diagnostics.Add(at.DurationMalformed(shown));
                return null;
            }
        }

        while (position < text.Length)
        {
            var digitsStart = position;
            while (position < text.Length && IsAsciiDigit(text[position]))
            {
                position++;
            }

            var digits = text.Substring(digitsStart, position - digitsStart);
            var unitStart = position;
            while (position < text.Length && !IsAsciiDigit(text[position]))
            {
                position++;
            }

            var unit = text.Substring(unitStart, position - unitStart);
            if (digits.Length == 0)
            {
                diagnostics.Add(at.DurationMalformed(shown));
                return null;
            }

            if (unit.Length == 0)
            {
                diagnostics.Add(at.DurationWithoutUnit(shown));
                return null;
            }

            if (!Units.TryGetValue(unit, out var info))
            {
                diagnostics.Add(at.DurationUnknownUnit(shown, Shorten(unit)));
                return null;
            }

            if (!seen.Add(unit))
            {
                diagnostics.Add(at.DurationUnitTwice(shown, unit));
                return null;
            }

            if (info.Rank > previousRank)
            {
                diagnostics.Add(at.DurationUnitsOutOfOrder(shown, unit, previousUnit));
                return null;
            }

            previousRank = info.Rank;
            previousUnit = unit;

            // Anything over 365d is an error anyway: a count of more than 12 digits is, and a part
            // that would take the total past the maximum is not added, so the sum never overflows.
            var trimmed = digits.TrimStart('0');
            if (tooLong || trimmed.Length > 12)
            {
                tooLong = true;
                continue;
            }

            var value = trimmed.Length == 0 ? 0 : long.Parse(trimmed, System.Globalization.CultureInfo.InvariantCulture);
            if (value > (MaximumMilliseconds - total) / info.Milliseconds)
            {
                tooLong = true;
                continue;
            }

            total += value * info.Milliseconds;
        }

        if (tooLong)
        {
            diagnostics.Add(at.DurationTooLong(shown));
            return null;
        }

        if (total == 0)
        {
            diagnostics.Add(at.DurationNotPositive(shown));
            return null;
        }

        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>The canonical spelling of a valid duration: largest unit first, no zero parts.</summary>
    public static string Format(TimeSpan value)
    {
        var milliseconds = (long)value.TotalMilliseconds;
        var builder = new System.Text.StringBuilder();
        foreach (var (unit, size) in new[] { ("d", 86_400_000L), ("h", 3_600_000L), ("m", 60_000L), ("s", 1_000L), ("ms", 1L) })
        {
            var count = milliseconds / size;
            if (count > 0)
            {
                builder.Append(count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(unit);
                milliseconds -= count * size;
            }
        }

        return builder.Length == 0 ? "0s" : builder.ToString();
    }

    internal static string Shorten(string text) => text.Length > 40 ? text.Substring(0, 40) + "..." : text;

    private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';

    private static bool IsAsciiLetterOrDigit(char c) => IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
