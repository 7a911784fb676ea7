using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ExpirableStore.Tests.Support;
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
    private TempDirectory root = null!;

    [OneTimeSetUp]
    public void CopyProjects()
    {
        root = new TempDirectory("expirables-targets-tests");
        root.CopyDirectory(Repository.PathOf("tests", "MSBuild.Tasks.Tests", "TestData", "Targets"));
    }

    [OneTimeTearDown]
    public void DeleteProjects() => root.Dispose();

    [Test]
    public async Task Defaults_compile_every_file_except_excluded_ones_into_obj_with_the_root_namespace()
    {
        var (exitCode, output, compile) = await GenerateAsync("Defaults");

        Assert.That(exitCode, Is.Zero, output);
        var generated = root.PathOf(Path.Combine("Defaults", "obj", "Debug", "net10.0", "expirables"));
        var tokens = Path.Combine(generated, "Tokens.g.cs");
        var nested = Path.Combine(generated, "sub", "Nested.g.cs");
        Assert.That(compile, Does.Contain(tokens).And.Contain(nested), output);
        Assert.That(File.ReadAllText(tokens), Does.Contain("namespace Defaults.Root"));
        Assert.That(File.ReadAllText(nested), Does.Contain("namespace Declared.Here"));
        Assert.That(Directory.GetFiles(generated, "*.g.cs", SearchOption.AllDirectories), Has.Length.EqualTo(2), "drafts/ is excluded");
    }

    [Test]
    public async Task Listed_items_with_metadata_and_another_output_path()
    {
        var (exitCode, output, compile) = await GenerateAsync("Explicit");

        Assert.That(exitCode, Is.Zero, output);
        var chosen = root.PathOf(Path.Combine("Explicit", "generated", "Chosen.g.cs"));
        Assert.That(compile.Where(c => c.EndsWith(".g.cs", StringComparison.Ordinal)), Is.EqualTo(new[] { chosen }), output);
        var text = File.ReadAllText(chosen);
        Assert.That(text, Does.Contain("namespace Custom.Space"));
        Assert.That(text, Does.Contain("class Renamed"));
        Assert.That(File.Exists(root.PathOf(Path.Combine("Explicit", "generated", "NotListed.g.cs"))), Is.False);
    }

    [Test]
    public async Task An_error_fails_the_build_in_canonical_form_and_the_good_file_is_still_generated()
    {
        var (exitCode, output, _) = await GenerateAsync("Broken");

        Assert.That(exitCode, Is.Not.Zero, output);
        var bad = root.PathOf(Path.Combine("Broken", "Bad.expirables"));
        Assert.That(output, Does.Contain($"{bad}(2,11): error EXP0104: "), output);
        Assert.That(File.Exists(root.PathOf(Path.Combine("Broken", "obj", "Debug", "net10.0", "expirables", "Good.g.cs"))), Is.True);
        Assert.That(File.Exists(root.PathOf(Path.Combine("Broken", "obj", "Debug", "net10.0", "expirables", "Bad.g.cs"))), Is.False);
    }

    [Test]
    public async Task Two_files_generating_the_same_class_fail_the_build_until_one_is_renamed_also_on_partial_builds()
    {
        var tokens = root.PathOf(Path.Combine("Clash", "Tokens.expirables"));
        File.WriteAllText(tokens, "module Other\nexpirable b < fetch S.B >\n");
        var clean = await GenerateAsync("Clash");
        Assert.That(clean.ExitCode, Is.Zero, clean.Output);

        // One file changes so that both generate Clash.Tokens; the other one is up to date.
        File.WriteAllText(tokens, "expirable b < fetch S.B >\n");
        var clash = await GenerateAsync("Clash");
        var again = await GenerateAsync("Clash");
        File.WriteAllText(tokens, "module Renamed\nexpirable b < fetch S.B >\n");
        var fixedAgain = await GenerateAsync("Clash");

        foreach (var failed in new[] { clash, again })
        {
            Assert.That(failed.ExitCode, Is.Not.Zero, failed.Output);
            Assert.That(System.Text.RegularExpressions.Regex.Count(failed.Output, @"\): error EXP0107: the class 'Clash\.Tokens' is also generated from"), Is.EqualTo(1), failed.Output);
        }

        Assert.That(fixedAgain.ExitCode, Is.Zero, fixedAgain.Output);
    }

    /// <summary>Runs the generation target and returns the exit code, the log and the final Compile items.</summary>
    private async Task<(int ExitCode, string Output, string[] Compile)> GenerateAsync(string project)
    {
        var directory = root.PathOf(project);
        var tasksAssembly = Path.Combine(TestContext.CurrentContext.TestDirectory, "ExpirableStore.MSBuild.Tasks.dll");
        var buildFolder = Repository.PathOf("src", "MSBuild.Tasks", "build") + Path.DirectorySeparatorChar;
        var resultFile = Path.Combine(directory, "compile-items.json");

        var run = await ProcessRunner.DotnetAsync(directory, new[]
        {
            "msbuild", "-restore", "-t:ExpirablesGenerate", "-nodeReuse:false", "-v:n", "-clp:NoSummary",
            "-p:ExpirablesBuildFolder=" + buildFolder, "-p:ExpirablesTasksAssembly=" + tasksAssembly,
            "-getItem:Compile", "-getResultOutputFile:" + resultFile,
        }, timeout: TimeSpan.FromMinutes(3));

        var compile = new List<string>();
        if (File.Exists(resultFile))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(resultFile));
            if (json.RootElement.TryGetProperty("Items", out var items) && items.TryGetProperty("Compile", out var compileItems))
            {
                compile.AddRange(compileItems.EnumerateArray().Select(i => i.GetProperty("FullPath").GetString()!));
            }
        }

        return (run.ExitCode, run.Output, compile.ToArray());
    }
}
