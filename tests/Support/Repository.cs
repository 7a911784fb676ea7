using System.IO;
using System.Linq;
using System.Reflection;

namespace ExpirableStore.Tests.Support;

/// <summary>Paths in the repository the tests were built from.</summary>
public static class Repository
{
    /// <summary>The repository's root folder (where <c>ExpirableStore.sln</c> is), recorded at build time.</summary>
    public static string Root { get; } = Path.GetFullPath(
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    /// <summary>A path below the root: <c>Repository.PathOf("samples", "expirables")</c>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());
}
