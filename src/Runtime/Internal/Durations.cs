using System;
using System.Globalization;

namespace ExpirableStore.Internal;

/// <summary>The range every configured duration is checked against, in one place.</summary>
internal static class Durations
{
    /// <summary>The language's limit for a timeout or an eager margin (dsl.md, EXP0004), and the runtime's for every duration.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(365);

    /// <summary>Throws unless <paramref name="value"/> is positive and at most <see cref="Max"/>.</summary>
    public static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > Max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most 365 days; got {Describe(value)}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is zero or positive and at most <see cref="Max"/>.</summary>
    public static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > Max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between zero and 365 days; got {Describe(value)}.");
        }
    }

    private static string Describe(TimeSpan value) =>
        value == TimeSpan.MaxValue ? "TimeSpan.MaxValue"
        : value == TimeSpan.MinValue ? "TimeSpan.MinValue"
        : value == System.Threading.Timeout.InfiniteTimeSpan ? "Timeout.InfiniteTimeSpan"
        : value.ToString("c", CultureInfo.InvariantCulture);
}
