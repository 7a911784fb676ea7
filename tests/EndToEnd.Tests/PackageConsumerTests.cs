using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.EndToEnd.Tests;

/// <summary>A fresh console project with one reference to the packed ExpirableStore package.</summary>
[TestFixture]
public sealed partial class PackageConsumerTests
{
    // What the task logs at normal verbosity for each file it compiles.
    private const string GenerationMarker = "ExpirableStore: ";

    private static readonly string[] BothSources = { "Rates.expirables", "Tokens.expirables" };

    private static readonly string[] RatesOnly = { "Rates.expirables" };

    private static readonly string[] ExpectedRunOutput =
    {
        "token=tok-1",
        "token=tok-1",
        "region=eu-west-1",
        "rate=0.92",
        "token fetches=1",
        "definitions=api_token,settings",
    };

    [Test]
    public async Task Builds_runs_and_then_builds_incrementally()
    {
        var project = await PackagesFixture.CreateConsoleProjectAsync("app", "App");

        var first = await BuildAsync(project);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        Assert.That(GeneratedFrom(first), Is.EquivalentTo(BothSources), first.ToString());
        var generated = Path.Combine(project, "obj", "Debug", "net10.0", "expirables");
        Assert.That(File.Exists(Path.Combine(generated, "Tokens.g.cs")), Is.True);
        Assert.That(File.Exists(Path.Combine(generated, "Rates.g.cs")), Is.True);

        var run = await PackagesFixture.DotnetAsync(project, "run", "--no-build");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(Lines(run.Output), Is.EqualTo(ExpectedRunOutput), run.ToString());

        // No change: the generation target is skipped and the compiler is not run.
        var noChange = await BuildAsync(project);
        Assert.That(noChange.ExitCode, Is.Zero, noChange.ToString());
        Assert.That(noChange.Output, Does.Not.Contain(GenerationMarker), noChange.ToString());
        Assert.That(noChange.Output, Does.Contain("Skipping target \"_ExpirablesGenerateCore\" because all output files are up-to-date"), noChange.ToString());

        // One file changed: only that one is compiled again. The edit is a comment, so the generated
        // C# is the same, is not rewritten, and the C# compiler does not run either.
        File.AppendAllText(Path.Combine(project, "Rates.expirables"), Environment.NewLine + "// edited" + Environment.NewLine);
        var oneChanged = await BuildAsync(project);
        Assert.That(oneChanged.ExitCode, Is.Zero, oneChanged.ToString());
        Assert.That(GeneratedFrom(oneChanged), Is.EqualTo(RatesOnly), oneChanged.ToString());
        Assert.That(oneChanged.Output, Does.Contain("Rates.g.cs (unchanged)"), oneChanged.ToString());
        Assert.That(oneChanged.Output, Does.Contain("Skipping target \"CoreCompile\""), oneChanged.ToString());

        // A real change regenerates that file, and the program sees it.
        File.WriteAllText(Path.Combine(project, "Rates.expirables"),
            File.ReadAllText(Path.Combine(project, "Rates.expirables")).Replace("usd_eur", "usd_chf", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(project, "Program.cs"),
            File.ReadAllText(Path.Combine(project, "Program.cs")).Replace("rates.UsdEur", "rates.UsdChf", StringComparison.Ordinal));
        var renamed = await BuildAsync(project);
        Assert.That(renamed.ExitCode, Is.Zero, renamed.ToString());
        Assert.That(GeneratedFrom(renamed), Is.EqualTo(RatesOnly), renamed.ToString());
        Assert.That(File.ReadAllText(Path.Combine(generated, "Rates.g.cs")), Does.Contain("UsdChf").And.Not.Contain("UsdEur"));

        // Clean removes the generated files.
        var clean = await PackagesFixture.DotnetAsync(project, "clean", "-nodeReuse:false");
        Assert.That(clean.ExitCode, Is.Zero, clean.ToString());
        Assert.That(Directory.Exists(generated) ? Directory.GetFiles(generated) : Array.Empty<string>(), Is.Empty);
    }

    [Test]
    public async Task A_design_time_build_generates_and_hands_the_files_to_the_compiler()
    {
        var project = await PackagesFixture.CreateConsoleProjectAsync("designtime", "App");

        // What an IDE's design-time build asks for: Compile, with the C# compiler not actually run.
        var build = await PackagesFixture.DotnetAsync(project, "msbuild", "-restore", "-t:Compile", "-nodeReuse:false", "-v:n",
            "-p:DesignTimeBuild=true", "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true");

        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(GeneratedFrom(build), Is.EquivalentTo(BothSources), build.ToString());
        var generated = Path.Combine(project, "obj", "Debug", "net10.0", "expirables", "Tokens.g.cs");
        Assert.That(build.Output, Does.Contain(generated), "the generated file is not on the compiler's command line");
        Assert.That(File.Exists(Path.Combine(project, "obj", "Debug", "net10.0", "App.dll")), Is.False, "the compiler ran");
    }

    [Test]
    public async Task A_broken_expirables_file_fails_the_build_at_its_line_and_column()
    {
        var project = await PackagesFixture.CreateConsoleProjectAsync("broken", "Broken");
        var source = Path.Combine(project, "Broken.expirables");

        var build = await BuildAsync(project);

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var errors = CanonicalErrors(build.Output).Where(e => e.Code.StartsWith("EXP", StringComparison.Ordinal)).Distinct().ToList();
        Assert.That(errors, Has.Count.EqualTo(1), string.Join(Environment.NewLine, errors) + Environment.NewLine + build);
        var error = errors[0];
        Assert.That(error.File, Is.EqualTo(source));
        Assert.That(error.Code, Is.EqualTo("EXP0104"));
        Assert.That(error.Line, Is.EqualTo(3));
        Assert.That(error.Column, Is.EqualTo(BrokenColumn));
    }

    [Test]
    public async Task A_misspelt_fetch_method_is_a_CSharp_error_at_the_expirables_line()
    {
        var project = await PackagesFixture.CreateConsoleProjectAsync("misspelt", "Misspelt");
        var source = Path.Combine(project, "Tokens.expirables");

        var build = await BuildAsync(project);

        Assert.That(build.ExitCode, Is.Not.Zero, build.ToString());
        var errors = CanonicalErrors(build.Output).Where(e => e.Code.StartsWith("CS", StringComparison.Ordinal)).Distinct().ToList();
        Assert.That(errors, Is.Not.Empty, build.ToString());
        Assert.That(errors.Select(e => e.File), Is.All.EqualTo(source), build.ToString());
        Assert.That(errors.Select(e => e.Line), Is.All.EqualTo(4), build.ToString());
        var fetchColumn = File.ReadAllLines(source)[3].IndexOf("Fetchers.FetchTokn", StringComparison.Ordinal) + 1;
        Assert.That(errors.Select(e => e.Column), Has.Some.InRange(fetchColumn, fetchColumn + "Fetchers.FetchTokn".Length), build.ToString());
    }

    [Test]
    public async Task Expirablesc_from_the_tool_package_checks_a_directory()
    {
        Assert.That(PackagesFixture.ToolPack?.ExitCode, Is.Zero, PackagesFixture.ToolPack?.ToString());
        Assert.That(File.Exists(Path.Combine(PackagesFixture.Feed, $"ExpirableStore.Cli.{PackagesFixture.Version}.nupkg")), Is.True,
            "dotnet pack src/Cli produced no ExpirableStore.Cli package");
        var toolPath = Path.Combine(PackagesFixture.Root, "tool");
        var install = await PackagesFixture.DotnetAsync(PackagesFixture.Root,
            "tool", "install", "ExpirableStore.Cli", "--version", PackagesFixture.Version, "--tool-path", toolPath);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        var expirablesc = Path.Combine(toolPath, "expirablesc");

        var good = Path.Combine(PackagesFixture.Root, "cli-good");
        Directory.CreateDirectory(good);
        PackagesFixture.CopyTestData(Path.Combine("Cli", "good"), good);
        var bad = Path.Combine(PackagesFixture.Root, "cli-bad");
        Directory.CreateDirectory(bad);
        PackagesFixture.CopyTestData(Path.Combine("Cli", "bad"), bad);

        var passing = await PackagesFixture.RunAsync(expirablesc, PackagesFixture.Root, "check", good);
        Assert.That(passing.ExitCode, Is.Zero, passing.ToString());

        var failing = await PackagesFixture.RunAsync(expirablesc, PackagesFixture.Root, "check", bad);
        Assert.That(failing.ExitCode, Is.EqualTo(1), failing.ToString());
        var error = CanonicalErrors(failing.Output).Single(e => e.Code == "EXP0104");
        Assert.That(Path.GetFileName(error.File), Is.EqualTo("Broken.expirables"));
        Assert.That((error.Line, error.Column), Is.EqualTo((3, BrokenColumn)), failing.ToString());
    }

    // The column the compiler reports EXP0104 at in Broken.expirables line 3: "expirable api_token < scope local >".
    private const int BrokenColumn = 11;

    private static Task<ProcessResult> BuildAsync(string project) =>
        PackagesFixture.DotnetAsync(project, "build", "-nodeReuse:false", "-v:n", "-clp:NoSummary");

    private static string[] GeneratedFrom(ProcessResult build) =>
        Lines(build.Output)
            .Where(line => line.Contains(GenerationMarker, StringComparison.Ordinal) && line.Contains(" -> ", StringComparison.Ordinal))
            .Select(line => Path.GetFileName(line[(line.IndexOf(GenerationMarker, StringComparison.Ordinal) + GenerationMarker.Length)..line.IndexOf(" -> ", StringComparison.Ordinal)]))
            .ToArray();

    private static string[] Lines(string output) =>
        output.Split('\n').Select(line => line.TrimEnd('\r').Trim()).Where(line => line.Length != 0).ToArray();

    private static CanonicalError[] CanonicalErrors(string output) =>
        CanonicalErrorPattern().Matches(output)
            .Select(m => new CanonicalError(m.Groups["file"].Value.Trim(), int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["code"].Value))
            .ToArray();

    // [node>]file(line,column): error CODE: message   (MSBuild's and csc's canonical form; -v:n prefixes the node)
    [GeneratedRegex(@"^[ \t]*(?:\d+>)?(?<file>[^\s(][^(\r\n]*)\((?<line>\d+),(?<column>\d+)\):\s*error\s+(?<code>[A-Z]+\d+):", RegexOptions.Multiline)]
    private static partial Regex CanonicalErrorPattern();

    private sealed record CanonicalError(string File, int Line, int Column, string Code);
}
