using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ExpirableStore.Compiler.Tests;

/// <summary>Where the data files beside the tests are (read in place, so goldens can be rewritten).</summary>
internal static class TestData
{
    public static string Directory { get; } = typeof(TestData).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TestDataDirectory").Value!;

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Directory }.Concat(parts).ToArray());

    public static string[] Files(string folder, string pattern) =>
        System.IO.Directory.GetFiles(PathOf(folder), pattern).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    public static bool UpdateGolden => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";
}
