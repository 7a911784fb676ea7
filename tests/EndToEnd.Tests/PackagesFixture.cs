using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.EndToEnd.Tests;

/// <summary>
/// Packs ExpirableStore and ExpirableStore.Cli once for all tests of this assembly into a temporary
/// feed outside the repository, with a package cache of its own (NUGET_PACKAGES), so that a stale
/// 0.1.0 from an earlier build in the user's cache is never what a test builds against.
/// </summary>
[SetUpFixture]
public sealed class PackagesFixture
{
    public const string Version = "0.1.0";

    private static TempDirectory? root;

    /// <summary>The temporary root: feed/, packages/ (the NuGet cache), tool/, and one folder per test project.</summary>
    public static string Root => root?.Path ?? throw new InvalidOperationException("the packages fixture has not run");

    public static string Feed => Path.Combine(Root, "feed");

    public static IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task PackAsync()
    {
        root = new TempDirectory("expirables-e2e");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Path.Combine(Root, "packages"));

        // Stop MSBuild's upward search for Directory.Build.*, Directory.Packages.props and global.json here.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="e2e-feed" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="e2e-feed">
                  <package pattern="ExpirableStore" />
                  <package pattern="ExpirableStore.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        Environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(Root, "http-cache"),
        };

        // Packing runs in the repository with the user's own package cache: the isolated cache is only
        // for the projects that consume the packages (restoring the repository's projects against it
        // would point their obj/project.assets.json at a folder this fixture deletes).
        var library = await RepoDotnetAsync("pack", Repository.PathOf("src", "Runtime", "ExpirableStore.csproj"),
            "-c", "Release", "-o", Feed, "-nodeReuse:false");
        Assert.That(library.ExitCode, Is.Zero, library.ToString());
        Assert.That(File.Exists(Path.Combine(Feed, $"ExpirableStore.{Version}.nupkg")), Is.True,
            string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName)));

        // The tool package is checked by the test that installs it, so that the other tests still tell
        // their story when only the tool is broken.
        ToolPack = await RepoDotnetAsync("pack", Repository.PathOf("src", "Cli", "ExpirableStore.Cli.csproj"),
            "-c", "Release", "-o", Feed, "-nodeReuse:false");
    }

    /// <summary>The outcome of packing ExpirableStore.Cli into <see cref="Feed"/>.</summary>
    internal static ProcessResult? ToolPack { get; private set; }

    [OneTimeTearDown]
    public void DeleteRoot()
    {
        if (TestContext.Parameters.Get("KeepE2E", "false") != "true")
        {
            root?.Dispose();
        }
    }

    /// <summary>Runs <c>dotnet</c> with the isolated package cache.</summary>
    internal static Task<ProcessResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.DotnetAsync(workingDirectory, arguments, Environment);

    private static Task<ProcessResult> RepoDotnetAsync(params string[] arguments) =>
        ProcessRunner.DotnetAsync(Repository.Root, arguments);

    /// <summary>Runs any program with the isolated package cache.</summary>
    internal static Task<ProcessResult> RunAsync(string fileName, string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync(fileName, arguments, workingDirectory, Environment);

    /// <summary>
    /// Creates a console project in a new folder under <see cref="Root"/> the way a user does
    /// (<c>dotnet new console</c>, then one package reference), with the given test data copied in.
    /// </summary>
    public static async Task<string> CreateConsoleProjectAsync(string name, string testData)
    {
        var directory = Path.Combine(Root, name);
        var created = await DotnetAsync(Root, "new", "console", "--name", "App", "--output", directory, "--no-restore");
        Assert.That(created.ExitCode, Is.Zero, created.ToString());

        var added = await DotnetAsync(directory, "add", "package", "ExpirableStore", "--version", Version, "--no-restore");
        Assert.That(added.ExitCode, Is.Zero, added.ToString());

        CopyTestData(testData, directory);
        return directory;
    }

    public static void CopyTestData(string testData, string directory)
    {
        var source = Repository.PathOf("tests", "EndToEnd.Tests", "TestData", testData);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }
    }
}
