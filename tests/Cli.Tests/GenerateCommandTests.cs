using System;
using System.IO;
using System.Linq;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using ExpirableStore.Compiler;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

public sealed class GenerateCommandTests
{
    [Test]
    public void Writes_one_file_per_input_into_a_new_folder()
    {
        using var temp = new TempDirectory();
        var tokens = temp.Copy(Path.Combine(Expirablesc.Samples, "auth", "Tokens.expirables"));
        var rates = temp.Copy(Path.Combine(Expirablesc.Samples, "fx-rates.expirables"));

        var run = Expirablesc.Run(temp.Path, "generate", "Tokens.expirables", "fx-rates.expirables", "-o", "out/generated", "--namespace", "Demo.Rates");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(Directory.GetFiles(Path.Combine(temp.Path, "out", "generated")).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "Tokens.g.cs", "fx-rates.g.cs" }));
        foreach (var input in new[] { tokens, rates })
        {
            var expected = ExpirablesCompiler.Compile(
                new SourceFile(Path.GetFileName(input), File.ReadAllText(input)),
                new CompilerOptions { DefaultNamespace = "Demo.Rates", LineDirectivePath = input });
            var written = File.ReadAllText(Path.Combine(temp.Path, "out", "generated", expected.OutputFileName));
            Assert.That(written, Is.EqualTo(expected.GeneratedCode));
        }

        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "out", "generated", "fx-rates.g.cs")), Does.Contain("namespace Demo.Rates"));
        Assert.That(File.ReadAllText(Path.Combine(temp.Path, "out", "generated", "Tokens.g.cs")), Does.Contain("namespace Demo.Auth").And.Contain($"\"{tokens}\""), "#line directives name the absolute source path");
    }

    [Test]
    public void A_file_with_errors_gets_no_output_and_the_run_exits_1()
    {
        using var temp = new TempDirectory();
        temp.Copy(Path.Combine(Expirablesc.Samples, "config.expirables"));
        temp.Copy(Path.Combine(Expirablesc.Samples, "mistakes.expirables"));

        var run = Expirablesc.Run(temp.Path, "generate", ".", "-o", "out");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(Directory.GetFiles(Path.Combine(temp.Path, "out")).Select(Path.GetFileName), Is.EqualTo(new[] { "config.g.cs" }));
        Assert.That(run.OutputLines, Has.Length.EqualTo(6).And.All.StartWith("mistakes.expirables("));
    }

    [TestCase("generate", "My..Bad")]
    [TestCase("generate", "1bad")]
    [TestCase("generate", "My App")]
    [TestCase("generate", "global::My")]
    [TestCase("generate", "")]
    [TestCase("check", "My.")]
    public void A_namespace_option_that_is_not_a_dotted_name_is_bad_usage_and_nothing_is_written(string command, string ns)
    {
        using var temp = new TempDirectory();
        temp.Copy(Path.Combine(Expirablesc.Samples, "config.expirables"));

        var run = command == "generate"
            ? Expirablesc.Run(temp.Path, "generate", "config.expirables", "-o", "out", "--namespace", ns)
            : Expirablesc.Run(temp.Path, "check", "config.expirables", "--namespace", ns);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("--namespace"));
        Assert.That(Directory.Exists(Path.Combine(temp.Path, "out")), Is.False);
    }

    [TestCase("My.@class.Things")]
    [TestCase("_Internal.V2")]
    public void A_namespace_option_with_escaped_or_underscored_parts_is_accepted(string ns)
    {
        using var temp = new TempDirectory();
        temp.Copy(Path.Combine(Expirablesc.Samples, "config.expirables"));

        var run = Expirablesc.Run(temp.Path, "generate", "config.expirables", "-o", "out", "--namespace", ns);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
    }

    [Test]
    public void The_output_folder_is_required()
    {
        var run = Expirablesc.Run(Expirablesc.Samples, "generate", "config.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.Contain("--output"));
    }

    [Test]
    public void Inputs_that_would_overwrite_each_other_are_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory();
        temp.Write("a/same.expirables", "expirable a < fetch S.A >\n");
        temp.Write("b/same.expirables", "expirable b < fetch S.B >\n");

        var run = Expirablesc.Run(temp.Path, "generate", "a", "b", "-o", "out");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("same.g.cs"));
        Assert.That(Directory.Exists(Path.Combine(temp.Path, "out")), Is.False);
    }

    [Test]
    public void An_unchanged_output_is_not_rewritten()
    {
        using var temp = new TempDirectory();
        temp.Copy(Path.Combine(Expirablesc.Samples, "config.expirables"));
        Assert.That(Expirablesc.Run(temp.Path, "generate", "config.expirables", "-o", "out").ExitCode, Is.Zero);
        var output = Path.Combine(temp.Path, "out", "config.g.cs");
        var stamp = new System.DateTime(2001, 1, 1, 0, 0, 0, System.DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(output, stamp);

        Assert.That(Expirablesc.Run(temp.Path, "generate", "config.expirables", "-o", "out").ExitCode, Is.Zero);

        Assert.That(File.GetLastWriteTimeUtc(output), Is.EqualTo(stamp));
    }
}
