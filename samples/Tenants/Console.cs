using System;
using System.Diagnostics;

namespace Tenants;

/// <summary>Prints one line per event with the wall-clock time and the time since the start.</summary>
internal static class Say
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();
    private static readonly object Gate = new();

    public static TimeSpan Elapsed => Since.Elapsed;

    public static void Line(string what, string text)
    {
        var line = $"{DateTime.Now:HH:mm:ss.fff} +{Since.Elapsed.TotalSeconds,6:0.000}s  {what,-7} {text}";
        lock (Gate)
        {
            Console.WriteLine(line);
        }
    }
}
