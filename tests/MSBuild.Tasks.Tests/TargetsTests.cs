using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using NUnit.Framework;

namespace ExpirableStore.MSBuild.Tests;

/// <summary>
/// Runs a real MSBuild on the small projects of TestData/Targets with the props/targets from the
/// source tree and the task built beside these tests, and checks what the targets decide: which
/// files are compiled, where outputs go, what reaches Compile. (The packaged path, compiling and
/// running the result, is tests/EndToEnd.Tests.)
/// </summary>
[TestFixture]
public sealed class TargetsTests
{
    private string root = string.Empty;

    [OneTimeSetUp]
    public void CopyProjects()
    {
        root = Path.Combine(Path.GetTempPath(), "expirables-targets-tests", Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(TestContext.CurrentContext.TestDirectory, "TestData", "Targets"), root);
    }

    [OneTimeTearDown]
    public void DeleteProjects()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void Defaults_compile_every_file_except_excluded_ones_into_obj_with_the_root_namespace()
    {
        var (exitCode, output, compile) = Generate("Defaults");

        Assert.That(exitCode, Is.Zero, output);
        var generated = Path.Combine(root, "Defaults", "obj", "Debug", "net10.0", "expirables");
        var tokens = Path.Combine(generated, "Tokens.g.cs");
        var nested = Path.Combine(generated, "sub", "Nested.g.cs");
        Assert.That(compile, Does.Contain(tokens).And.Contain(nested), output);
        Assert.That(File.ReadAllText(tokens), Does.Contain("namespace Defaults.Root"));
        Assert.That(File.ReadAllText(nested), Does.Contain("namespace Declared.Here"));
        Assert.That(Directory.GetFiles(generated, "*.g.cs", SearchOption.AllDirectories), Has.Length.EqualTo(2), "drafts/ is excluded");
    }

    [Test]
    public void Listed_items_with_metadata_and_another_output_path()
    {
        var (exitCode, output, compile) = Generate("Explicit");

        Assert.That(exitCode, Is.Zero, output);
        var chosen = Path.Combine(root, "Explicit", "generated", "Chosen.g.cs");
        Assert.That(compile.Where(c => c.EndsWith(".g.cs", StringComparison.Ordinal)), Is.EqualTo(new[] { chosen }), output);
        var text = File.ReadAllText(chosen);
        Assert.That(text, Does.Contain("namespace Custom.Space"));
        Assert.That(text, Does.Contain("class Renamed"));
        Assert.That(File.Exists(Path.Combine(root, "Explicit", "generated", "NotListed.g.cs")), Is.False);
    }

    [Test]
    public void An_error_fails_the_build_in_canonical_form_and_the_good_file_is_still_generated()
    {
        var (exitCode, output, _) = Generate("Broken");

        Assert.That(exitCode, Is.Not.Zero, output);
        var bad = Path.Combine(root, "Broken", "Bad.expirables");
        Assert.That(output, Does.Contain($"{bad}(2,11): error EXP0104: "), output);
        Assert.That(File.Exists(Path.Combine(root, "Broken", "obj", "Debug", "net10.0", "expirables", "Good.g.cs")), Is.True);
        Assert.That(File.Exists(Path.Combine(root, "Broken", "obj", "Debug", "net10.0", "expirables", "Bad.g.cs")), Is.False);
    }

    /// <summary>Runs the generation target and returns the exit code, the log and the final Compile items.</summary>
    private (int ExitCode, string Output, string[] Compile) Generate(string project)
    {
        var directory = Path.Combine(root, project);
        var tasksAssembly = Path.Combine(TestContext.CurrentContext.TestDirectory, "ExpirableStore.MSBuild.Tasks.dll");
        var buildFolder = Path.Combine(FindRepositoryRoot(), "src", "MSBuild.Tasks", "build") + Path.DirectorySeparatorChar;
        var resultFile = Path.Combine(directory, "compile-items.json");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "msbuild", "-restore", "-t:ExpirablesGenerate", "-nodeReuse:false", "-v:n", "-clp:NoSummary",
            "-p:ExpirablesBuildFolder=" + buildFolder, "-p:ExpirablesTasksAssembly=" + tasksAssembly,
            "-getItem:Compile", "-getResultOutputFile:" + resultFile,
        })
        {
            start.ArgumentList.Add(argument);
        }

        // 'dotnet test' points nested builds at its own MSBuild through these variables: drop them.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                                                             || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "dotnet msbuild did not finish in 3 minutes");
        var output = stdout.Result + stderr.Result;

        var compile = new List<string>();
        if (File.Exists(resultFile))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(resultFile));
            if (json.RootElement.TryGetProperty("Items", out var items) && items.TryGetProperty("Compile", out var compileItems))
            {
                compile.AddRange(compileItems.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!));
            }
        }

        return (process.ExitCode, output, compile.ToArray());
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ExpirableStore.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ExpirableStore.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
