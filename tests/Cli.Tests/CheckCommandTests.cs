using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Diagnostics;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

public sealed class CheckCommandTests
{
    private static readonly string SamplesParent = Path.GetDirectoryName(Expirablesc.Samples)!;
    private static readonly string MistakesPath = Path.Combine("expirables", "mistakes.expirables");

    // What a user sees for samples/expirables/mistakes.expirables: one diagnostic per mistake.
    private static readonly string[] ExpectedMistakes =
    {
        MistakesPath + "(4,11): error EXP0104",
        MistakesPath + "(5,11): error EXP0101",
        MistakesPath + "(6,51): error EXP0003",
        MistakesPath + "(7,65): warning EXP0202",
        MistakesPath + "(8,47): error EXP0105",
        MistakesPath + "(9,40): error EXP0001",
    };

    [Test]
    public void Check_on_the_samples_folder_prints_canonical_diagnostics_and_exits_1()
    {
        var run = Expirablesc.Run(SamplesParent, "check", "expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.OutputLines.Select(l => l[..(l.IndexOf(" EXP", StringComparison.Ordinal) + 8)]), Is.EqualTo(ExpectedMistakes), run.ToString());
        var mistakes = ExpirablesCompiler.Check(SourceFile.Load(Path.Combine(Expirablesc.Samples, "mistakes.expirables")));
        Assert.That(
            run.OutputLines,
            Is.EqualTo(mistakes.Select(d => d.ToString().Replace(Path.Combine(Expirablesc.Samples, "mistakes.expirables"), MistakesPath))),
            "each line is the diagnostic's canonical form");
        Assert.That(run.Error, Does.Contain("4 files checked: 5 errors, 1 warning."));
    }

    [Test]
    public void Check_of_valid_files_prints_nothing_and_exits_0()
    {
        var run = Expirablesc.Run(Expirablesc.Samples, "check", "auth", "config.expirables", "fx-rates.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Is.Empty);
        Assert.That(run.Error, Does.Contain("3 files checked: 0 errors, 0 warnings."));
    }

    [Test]
    public void Without_a_path_the_current_directory_is_searched_recursively_skipping_hidden_folders()
    {
        using var temp = new TempDirectory();
        temp.Write("a/b/deep.expirables", "expirable x < >\n");
        temp.Write("ignored.txt", "expirable y < >\n");
        temp.Write(".git/hidden.expirables", "expirable z < >\n");

        var run = Expirablesc.Run(temp.Path, "check");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.OutputLines, Is.EqualTo(new[] { $"{Path.Combine("a", "b", "deep.expirables")}(1,11): error EXP0104: expirable 'x' has no 'fetch' option" }));
    }

    [Test]
    public void Globs_select_files()
    {
        using var temp = new TempDirectory();
        temp.Write("src/one.expirables", "expirable x < >\n");
        temp.Write("src/inner/two.expirables", "expirable x < >\n");
        temp.Write("other/three.expirables", "expirable x < >\n");

        var shallow = Expirablesc.Run(temp.Path, "check", "src/*.expirables");
        var deep = Expirablesc.Run(temp.Path, "check", "src/**/*.expirables");

        Assert.That(shallow.OutputLines.Select(FileOf), Is.EqualTo(new[] { Path.Combine("src", "one.expirables") }));
        Assert.That(deep.OutputLines.Select(FileOf), Is.EqualTo(new[] { Path.Combine("src", "inner", "two.expirables"), Path.Combine("src", "one.expirables") }));
    }

    [Test]
    public void A_file_named_twice_is_checked_once()
    {
        var run = Expirablesc.Run(SamplesParent, "check", "expirables/mistakes.expirables", "expirables", "expirables/*.expirables");

        Assert.That(run.OutputLines, Has.Length.EqualTo(ExpectedMistakes.Length));
    }

    [TestCase("does-not-exist.expirables", "'does-not-exist.expirables' does not exist")]
    [TestCase("nowhere/*.expirables", "no file matches 'nowhere/*.expirables'")]
    public void A_path_that_names_nothing_exits_2(string path, string message)
    {
        var run = Expirablesc.Run(SamplesParent, "check", "expirables", path);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain(message));
        Assert.That(run.Output, Is.Empty, "nothing is checked when a path is wrong");
    }

    [TestCase("check", "--format", "xml")]
    [TestCase("check", "--format")]
    [TestCase("generate", "x.expirables", "-o")]
    [TestCase("compile")]
    [TestCase]
    public void Bad_usage_exits_2(params string[] args)
    {
        var run = Expirablesc.Run(SamplesParent, args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("expirablesc --help"));
    }

    [Test]
    public void Help_exits_0()
    {
        var run = Expirablesc.Run(SamplesParent, "check", "--help");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(run.Output, Does.Contain("--warnaserror").And.Contain("--format"));
    }

    [Test]
    [Platform(Exclude = "Win", Reason = "file modes are a Unix notion")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void An_unreadable_file_exits_2()
    {
        using var temp = new TempDirectory();
        var file = temp.UnreadableFile("locked.expirables");

        var run = Expirablesc.Run(temp.Path, "check", file);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain($"cannot read '{InputFilesDisplay(temp.Path, file)}'"));
    }

    [Test]
    public void Warnings_pass_unless_warnaserror()
    {
        using var temp = new TempDirectory();
        temp.Write("w.expirables", "// nothing declared\n");

        var lenient = Expirablesc.Run(temp.Path, "check");
        var strict = Expirablesc.Run(temp.Path, "check", "--warnaserror");

        Assert.That(lenient.ExitCode, Is.EqualTo(ExitCodes.Success), lenient.ToString());
        Assert.That(lenient.OutputLines.Single(), Does.StartWith("w.expirables(1,1): warning EXP0201: "));
        Assert.That(strict.ExitCode, Is.EqualTo(ExitCodes.Failure), strict.ToString());
        Assert.That(strict.OutputLines.Single(), Does.StartWith("w.expirables(1,1): error EXP0201: "));
    }

    [Test]
    public void A_member_named_like_the_class_is_reported()
    {
        using var temp = new TempDirectory();
        // No module header: the class is named after the file; a member of the same name is EXP0103.
        temp.Write("cache.expirables", "expirable cache < fetch S.Cache >\n");

        var run = Expirablesc.Run(temp.Path, "check", "--namespace", "Acme.Things");

        Assert.That(run.OutputLines.Single(), Does.Contain("error EXP0103"));
    }

    [Test]
    public void Json_report_lists_every_diagnostic_with_its_span()
    {
        var run = Expirablesc.Run(SamplesParent, "check", "expirables", "--format", "json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("files").GetInt32(), Is.EqualTo(4));
        var expected = Expected();
        var actual = root.GetProperty("diagnostics").EnumerateArray().ToArray();
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        for (var i = 0; i < expected.Length; i++)
        {
            var d = expected[i];
            var j = actual[i];
            Assert.That(j.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "file", "line", "column", "endLine", "endColumn", "code", "severity", "message" }));
            Assert.That(j.GetProperty("file").GetString(), Is.EqualTo(Path.Combine("expirables", "mistakes.expirables")));
            Assert.That(j.GetProperty("line").GetInt32(), Is.EqualTo(d.Line));
            Assert.That(j.GetProperty("column").GetInt32(), Is.EqualTo(d.Column));
            Assert.That(j.GetProperty("endLine").GetInt32(), Is.EqualTo(d.EndLine));
            Assert.That(j.GetProperty("endColumn").GetInt32(), Is.EqualTo(d.EndColumn));
            Assert.That(j.GetProperty("code").GetString(), Is.EqualTo(d.Code));
            Assert.That(j.GetProperty("severity").GetString(), Is.EqualTo(d.IsError ? "error" : "warning"));
            Assert.That(j.GetProperty("message").GetString(), Is.EqualTo(d.Message));
        }
    }

    [Test]
    public void Sarif_report_has_rules_results_and_regions()
    {
        var run = Expirablesc.Run(SamplesParent, "check", "expirables", "--format", "sarif", "--warnaserror");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        Assert.That(root.GetProperty("$schema").GetString(), Does.Contain("sarif-2.1.0"));
        var sarifRun = root.GetProperty("runs").EnumerateArray().Single();
        var driver = sarifRun.GetProperty("tool").GetProperty("driver");
        Assert.That(driver.GetProperty("name").GetString(), Is.EqualTo("expirablesc"));
        Assert.That(driver.GetProperty("version").GetString(), Is.EqualTo(ExpirablesCompiler.Version));
        var rules = driver.GetProperty("rules").EnumerateArray().ToArray();
        Assert.That(rules.Select(r => r.GetProperty("id").GetString()), Is.EqualTo(DiagnosticBuilder.All.Select(d => d.Code)));
        Assert.That(rules.Select(r => r.GetProperty("helpUri").GetString()), Is.EqualTo(DiagnosticBuilder.All.Select(d => d.HelpUri)));
        Assert.That(sarifRun.GetProperty("originalUriBaseIds").GetProperty("SRCROOT").GetProperty("uri").GetString(), Does.StartWith("file:///").And.EndWith("/samples/"));

        var expected = Expected();
        var results = sarifRun.GetProperty("results").EnumerateArray().ToArray();
        Assert.That(results, Has.Length.EqualTo(expected.Length));
        for (var i = 0; i < expected.Length; i++)
        {
            var d = expected[i];
            var r = results[i];
            Assert.That(r.GetProperty("ruleId").GetString(), Is.EqualTo(d.Code));
            Assert.That(rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString(), Is.EqualTo(d.Code));
            Assert.That(r.GetProperty("level").GetString(), Is.EqualTo("error"), "--warnaserror makes every result an error");
            Assert.That(r.GetProperty("message").GetProperty("text").GetString(), Is.EqualTo(d.Message));
            var location = r.GetProperty("locations").EnumerateArray().Single().GetProperty("physicalLocation");
            Assert.That(location.GetProperty("artifactLocation").GetProperty("uri").GetString(), Is.EqualTo("expirables/mistakes.expirables"));
            Assert.That(location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString(), Is.EqualTo("SRCROOT"));
            var region = location.GetProperty("region");
            Assert.That(
                (region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32(), region.GetProperty("endLine").GetInt32(), region.GetProperty("endColumn").GetInt32()),
                Is.EqualTo((d.Line, d.Column, d.EndLine, d.EndColumn)));
        }
    }

    // Language version 2 through the CLI: a file with keyed and stateful declarations checks clean,
    // and each of its mistakes is one diagnostic that names the fix, in text and in SARIF.
    private const string Version2File =
        "namespace Acme.Tenants\n"
        + "expirable tenant_api_key < key string; fetch Tenants.FetchApiKey >\n"
        + "expirable tenant_oauth : AccessToken < key Guid; state OAuthGrant required; fetch Tenants.Refresh >\n";

    [Test]
    public void Check_of_a_file_with_keyed_and_stateful_expirables_prints_nothing_and_exits_0()
    {
        using var temp = new TempDirectory();
        temp.Write("tenants.expirables", Version2File);

        var run = Expirablesc.Run(temp.Path, "check", "tenants.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Is.Empty);
    }

    [Test]
    public void Version_2_mistakes_are_one_diagnostic_each_in_text_and_in_SARIF_with_their_rules()
    {
        using var temp = new TempDirectory();
        temp.Write("tenants.expirables", Version2File
            + "expirable crm_token < required state RefreshToken; fetch Crm.Refresh >\n"
            + "expirable by_number < key int?; fetch N.Load >\n"
            + "expirable twice < state A; state B; fetch N.Load >\n");

        var text = Expirablesc.Run(temp.Path, "check", "tenants.expirables");
        var sarif = Expirablesc.Run(temp.Path, "check", "tenants.expirables", "--format", "sarif");

        Assert.That(text.ExitCode, Is.EqualTo(ExitCodes.Failure), text.ToString());
        Assert.That(text.OutputLines, Is.EqualTo(new[]
        {
            "tenants.expirables(4,23): error EXP0110: 'required' must come right after the type of the 'state' option: write 'state RefreshToken required'",
            "tenants.expirables(5,27): error EXP0111: the key type 'int?' is nullable, but a key is never null: write 'key int'",
            "tenants.expirables(6,28): error EXP0105: option 'state' is given twice in expirable 'twice' (first on line 6)",
        }));
        using var json = JsonDocument.Parse(sarif.Output);
        var sarifRun = json.RootElement.GetProperty("runs").EnumerateArray().Single();
        var rules = sarifRun.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToArray();
        var results = sarifRun.GetProperty("results").EnumerateArray().ToArray();
        Assert.That(results.Select(r => r.GetProperty("ruleId").GetString()), Is.EqualTo(new[] { "EXP0110", "EXP0111", "EXP0105" }));
        var required = rules[results[0].GetProperty("ruleIndex").GetInt32()];
        Assert.That(required.GetProperty("fullDescription").GetProperty("text").GetString(), Does.Contain("'state RefreshToken required'"));
        Assert.That(required.GetProperty("helpUri").GetString(), Does.EndWith("dsl.md#exp0110"));
        var nullableKey = rules[results[1].GetProperty("ruleIndex").GetInt32()];
        Assert.That(nullableKey.GetProperty("shortDescription").GetProperty("text").GetString(), Is.EqualTo("Nullable key type"));
        Assert.That(nullableKey.GetProperty("helpUri").GetString(), Does.EndWith("dsl.md#exp0111"));
    }

    [Test]
    public void Output_option_writes_the_report_to_a_file()
    {
        using var temp = new TempDirectory();
        var run = Expirablesc.Run(SamplesParent, "check", "expirables", "--format", "sarif", "--output", Path.Combine(temp.Path, "reports", "check.sarif"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Output, Is.Empty);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "reports", "check.sarif")));
        Assert.That(json.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength(), Is.EqualTo(ExpectedMistakes.Length));
    }

    private static string InputFilesDisplay(string currentDirectory, string file) =>
        file.StartsWith(currentDirectory, StringComparison.Ordinal) ? Path.GetRelativePath(currentDirectory, file) : file;

    private static Diagnostic[] Expected() =>
        ExpirablesCompiler.Check(SourceFile.Load(Path.Combine(Expirablesc.Samples, "mistakes.expirables"))).ToArray();

    private static string FileOf(string line) => line[..line.IndexOf('(')];
}
