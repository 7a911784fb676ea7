using System.IO;
using System.Linq;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>
/// What the command line says about itself: an unknown option or command is named as such (not as
/// a missing path, not after an unrelated complaint), and '-' reads standard input.
/// </summary>
public sealed class CommandLineTests
{
    private const string Valid = "expirable api_key < fetch Vault.ApiKey >\n";

    [TestCase("check", "--bogus")]
    [TestCase("check", "x.expirables", "-x")]
    [TestCase("generate", "x.expirables", "-o", "out", "--verbose")]
    [TestCase("format", "--chek")]
    public void An_unknown_option_is_reported_as_an_unknown_option(params string[] args)
    {
        using var temp = new TempDirectory();
        temp.Write("x.expirables", Valid);

        var run = Expirablesc.Run(temp.Path, args);

        var option = args.Single(a => a.StartsWith('-') && a != "-o");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.StartWith($"expirablesc: unknown option '{option}'"), run.ToString());
        Assert.That(run.Error, Does.Not.Contain("does not exist"));
        Assert.That(run.Output, Is.Empty, "nothing is checked");
    }

    [Test]
    public void After_a_double_dash_a_name_that_starts_with_a_dash_is_a_path()
    {
        using var temp = new TempDirectory();
        temp.Write("--odd.expirables", "expirable x < >\n");

        var run = Expirablesc.Run(temp.Path, "check", "--", "--odd.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.OutputLines.Single(), Does.StartWith("--odd.expirables(1,11): error EXP0104"));
    }

    [TestCase("compile")]
    [TestCase("chek", "samples")]
    public void An_unknown_command_is_reported_first_and_alone(params string[] args)
    {
        var run = Expirablesc.Run(Repository.Root, args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error.Split('\n')[0], Is.EqualTo($"expirablesc: unknown command '{args[0]}': the commands are check, generate and format"));
        Assert.That(run.Error, Does.Not.Contain("Required command"));
    }

    [Test]
    public void No_command_says_which_commands_there_are()
    {
        var run = Expirablesc.Run(Repository.Root);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error.Split('\n')[0], Is.EqualTo("expirablesc: a command is required: check, generate or format"));
    }

    [Test]
    public void Check_dash_reads_standard_input()
    {
        using var temp = new TempDirectory();

        var good = Expirablesc.RunWithInput(temp.Path, Valid, "check", "-");
        var bad = Expirablesc.RunWithInput(temp.Path, "expirable a < >\n", "check", "-", "--format", "json");

        Assert.That((good.ExitCode, good.Output), Is.EqualTo((ExitCodes.Success, string.Empty)), good.ToString());
        Assert.That(good.Error, Does.Contain("1 file checked: 0 errors, 0 warnings."));
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.Failure), bad.ToString());
        Assert.That(bad.Output, Does.Contain("\"file\": \"<stdin>\"").And.Contain("\"code\": \"EXP0104\""));
    }

    [Test]
    public void Standard_input_can_be_named_for_diagnostics_and_the_class_name()
    {
        using var temp = new TempDirectory();

        var run = Expirablesc.RunWithInput(temp.Path, "expirable tokens < fetch S.L >\n", "check", "-", "--stdin-name", "src/Tokens.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.OutputLines.Single(), Does.StartWith("src/Tokens.expirables(1,11): error EXP0103").And.Contain("'Tokens', the name of the generated class"));
    }

    [Test]
    public void Format_dash_writes_the_formatted_text_to_standard_output()
    {
        using var temp = new TempDirectory();

        var format = Expirablesc.RunWithInput(temp.Path, "expirable a<fetch S.A;scope local>", "format", "-");
        var check = Expirablesc.RunWithInput(temp.Path, "expirable a<fetch S.A;scope local>", "format", "--check", "-");
        var tidy = Expirablesc.RunWithInput(temp.Path, "expirable a < fetch S.A >\n", "format", "--check", "-");
        var broken = Expirablesc.RunWithInput(temp.Path, "expirable a < fetch >\n", "format", "-");

        Assert.That((format.ExitCode, format.Output), Is.EqualTo((ExitCodes.Success, "expirable a <\n    fetch S.A\n    scope local\n>\n")), format.ToString());
        Assert.That((check.ExitCode, check.Output), Is.EqualTo((ExitCodes.Failure, "<stdin>\n")), check.ToString());
        Assert.That((tidy.ExitCode, tidy.Output), Is.EqualTo((ExitCodes.Success, string.Empty)), tidy.ToString());
        Assert.That((broken.ExitCode, broken.Output), Is.EqualTo((ExitCodes.Failure, string.Empty)), "standard output stays clean for an editor");
        Assert.That(broken.Error, Does.StartWith("<stdin>(1,21): error EXP0001: "));
    }

    [Test]
    public void Generate_dash_needs_a_name_for_its_output()
    {
        using var temp = new TempDirectory();

        var unnamed = Expirablesc.RunWithInput(temp.Path, Valid, "generate", "-", "-o", "out");
        var named = Expirablesc.RunWithInput(temp.Path, Valid, "generate", "-", "-o", "out", "--stdin-name", "Tokens.expirables");

        Assert.That(unnamed.ExitCode, Is.EqualTo(ExitCodes.Usage), unnamed.ToString());
        Assert.That(unnamed.Error, Does.Contain("--stdin-name"));
        Assert.That(named.ExitCode, Is.EqualTo(ExitCodes.Success), named.ToString());
        Assert.That(File.ReadAllText(temp.PathOf("out/Tokens.g.cs")), Does.Contain("class Tokens "));
    }

    [Test]
    public void Standard_input_named_twice_is_read_once()
    {
        using var temp = new TempDirectory();

        var run = Expirablesc.RunWithInput(temp.Path, "expirable a < >\n", "check", "-", "-");

        Assert.That(run.OutputLines, Has.Length.EqualTo(1), run.ToString());
    }
}
