using System.IO;
using System.Linq;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>
/// Globs select what a directory argument would, and what their wildcards say: '*' any characters
/// of one name, '?' exactly one, '**' any number of folders; no wildcard matches a hidden file or
/// folder (a name starting with '.'), as a directory scan skips them, but a hidden folder can be
/// named in so many letters.
/// </summary>
public sealed class GlobTests
{
    [Test]
    public void A_question_mark_matches_exactly_one_character()
    {
        using var temp = Tree("a1.expirables", "a2.expirables", "a10.expirables", "b1.expirables");

        Assert.That(Checked(temp, "a?.expirables"), Is.EqualTo(new[] { "a1.expirables", "a2.expirables" }));
        Assert.That(Checked(temp, "?1.expirables"), Is.EqualTo(new[] { "a1.expirables", "b1.expirables" }));
        Assert.That(Checked(temp, "a??.expirables"), Is.EqualTo(new[] { "a10.expirables" }));
    }

    [Test]
    public void Double_star_skips_hidden_folders_as_a_directory_scan_does()
    {
        using var temp = Tree("top.expirables", ".git/hooks/x.expirables", "src/.cache/y.expirables", "src/z.expirables", "src/deep/er/w.expirables", "src/.hidden.expirables");

        var globbed = Checked(temp, "**/*.expirables");
        var scanned = Checked(temp, ".");

        Assert.That(globbed, Is.EqualTo(new[] { Path.Combine("src", "deep", "er", "w.expirables"), Path.Combine("src", "z.expirables"), "top.expirables" }));
        Assert.That(globbed, Is.EqualTo(scanned));
        Assert.That(Checked(temp, "src/**/*.expirables"), Is.EqualTo(new[] { Path.Combine("src", "deep", "er", "w.expirables"), Path.Combine("src", "z.expirables") }));
    }

    [Test]
    public void A_hidden_folder_named_in_the_pattern_is_searched()
    {
        using var temp = Tree(".config/a.expirables", "src/.config/b.expirables", "src/c.expirables");

        Assert.That(Checked(temp, ".config/*.expirables"), Is.EqualTo(new[] { Path.Combine(".config", "a.expirables") }));
        Assert.That(Checked(temp, "src/.config/*.expirables"), Is.EqualTo(new[] { Path.Combine("src", ".config", "b.expirables") }));
        Assert.That(Checked(temp, "*/.config/*.expirables"), Is.EqualTo(new[] { Path.Combine("src", ".config", "b.expirables") }));
    }

    [Test]
    public void A_star_matches_within_one_folder_and_never_a_hidden_name()
    {
        using var temp = Tree("one.expirables", ".two.expirables", "sub/three.expirables");

        Assert.That(Checked(temp, "*.expirables"), Is.EqualTo(new[] { "one.expirables" }));
        Assert.That(Checked(temp, "*/*.expirables"), Is.EqualTo(new[] { Path.Combine("sub", "three.expirables") }));
    }

    private static TempDirectory Tree(params string[] files)
    {
        var temp = new TempDirectory();
        foreach (var file in files)
        {
            temp.Write(file, "expirable x < >\n");
        }

        return temp;
    }

    // The files 'check' reports (each has one EXP0104), in its order.
    private static string[] Checked(TempDirectory temp, string path)
    {
        var run = Expirablesc.Run(temp.Path, "check", path);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        return run.OutputLines.Select(l => l[..l.IndexOf('(', System.StringComparison.Ordinal)]).ToArray();
    }
}
