using System.IO;
using System.Linq;
using System.Text;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

public sealed class FormatCommandTests
{
    private const string Unformatted = "namespace Acme   module M\nexpirable a<fetch S.A;scope local> // why\n";
    private const string Formatted = "namespace Acme\nmodule M\n\nexpirable a <\n    fetch S.A\n    scope local\n> // why\n";

    [Test]
    public void Check_lists_files_that_would_change_and_changes_nothing()
    {
        using var temp = new TempDirectory();
        var messy = temp.Write("messy.expirables", Unformatted);
        temp.Write("tidy.expirables", Formatted);

        var run = Expirablesc.Run(temp.Path, "format", "--check");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.OutputLines, Is.EqualTo(new[] { "messy.expirables" }));
        Assert.That(File.ReadAllText(messy), Is.EqualTo(Unformatted));
    }

    [Test]
    public void Format_rewrites_then_check_passes()
    {
        using var temp = new TempDirectory();
        var messy = temp.Write("messy.expirables", Unformatted);
        var tidy = temp.Write("tidy.expirables", Formatted);
        var tidyTime = File.GetLastWriteTimeUtc(tidy);

        var run = Expirablesc.Run(temp.Path, "format");
        var check = Expirablesc.Run(temp.Path, "format", "--check");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.OutputLines, Is.EqualTo(new[] { "messy.expirables" }), "only changed files are listed");
        Assert.That(File.ReadAllText(messy), Is.EqualTo(Formatted));
        Assert.That(File.GetLastWriteTimeUtc(tidy), Is.EqualTo(tidyTime), "a formatted file is not touched");
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Success), check.ToString());
        Assert.That(check.Output, Is.Empty);
    }

    [Test]
    public void A_file_with_syntax_errors_is_reported_and_left_alone()
    {
        using var temp = new TempDirectory();
        const string broken = "expirable a <fetch S.A   scope >\n";
        var file = temp.Write("broken.expirables", broken);
        temp.Write("messy.expirables", Unformatted);

        var run = Expirablesc.Run(temp.Path, "format");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.OutputLines, Has.Some.StartWith("broken.expirables(1,32): error EXP0001: "));
        Assert.That(run.OutputLines, Has.Some.EqualTo("messy.expirables"), "the other files are still formatted");
        Assert.That(File.ReadAllText(file), Is.EqualTo(broken));
    }

    [Test]
    public void Semantic_errors_do_not_stop_formatting()
    {
        using var temp = new TempDirectory();
        var file = temp.Write("semantic.expirables", "expirable a<scope local>\nexpirable a<fetch S.A; timeout 30x>\n");

        var run = Expirablesc.Run(temp.Path, "format");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(File.ReadAllText(file), Is.EqualTo("expirable a < scope local >\n\nexpirable a <\n    fetch S.A\n    timeout 30x\n>\n"));
    }

    [Test]
    public void Line_ends_become_LF_and_a_byte_order_mark_is_kept()
    {
        using var temp = new TempDirectory();
        var withBom = Path.Combine(temp.Path, "bom.expirables");
        var withoutBom = Path.Combine(temp.Path, "plain.expirables");
        var crlf = Unformatted.Replace("\n", "\r\n");
        File.WriteAllBytes(withBom, new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(crlf)).ToArray());
        File.WriteAllBytes(withoutBom, Encoding.UTF8.GetBytes(Formatted.Replace("\n", "\r\n")));

        var run = Expirablesc.Run(temp.Path, "format");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(File.ReadAllBytes(withBom), Is.EqualTo(new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(Formatted)).ToArray()));
        Assert.That(File.ReadAllBytes(withoutBom), Is.EqualTo(Encoding.UTF8.GetBytes(Formatted)), "CRLF alone is a change");
    }

    [Test]
    public void A_file_that_is_not_UTF8_is_not_rewritten()
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "latin1.expirables");
        var bytes = Encoding.Latin1.GetBytes("// caf\u00e9\nexpirable a<fetch S.A>\n");
        File.WriteAllBytes(file, bytes);

        var run = Expirablesc.Run(temp.Path, "format");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.OutputLines, Is.EqualTo(new[] { "latin1.expirables(1,7): error EXP0005: the file is not valid UTF-8: byte 0xE9 here is not UTF-8 text; save the file as UTF-8" }));
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes));
    }

    [Test]
    public void A_missing_path_exits_2()
    {
        using var temp = new TempDirectory();

        var run = Expirablesc.Run(temp.Path, "format", "missing.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Error, Does.Contain("'missing.expirables' does not exist"));
    }

    [Test]
    public void The_samples_are_formatted()
    {
        var run = Expirablesc.Run(Expirablesc.Samples, "format", "--check", "auth", "config.expirables", "fx-rates.expirables");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
    }
}
