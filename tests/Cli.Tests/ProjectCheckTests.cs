using System.IO;
using System.Linq;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>
/// The files of one run are one project, as the build compiles a project's files together: two
/// files that would generate the same class are EXP0107 in check and generate alike.
/// </summary>
public sealed class ProjectCheckTests
{
    [Test]
    public void Two_files_that_generate_the_same_class_are_one_error_at_the_second()
    {
        using var temp = new TempDirectory();
        temp.Write("a/Tokens.expirables", "namespace Acme\nexpirable a < fetch S.A >\n");
        temp.Write("b/Other.expirables", "namespace Acme\nmodule Tokens\nexpirable b < fetch S.B >\n");

        var check = Expirablesc.Run(temp.Path, "check", ".");
        var generate = Expirablesc.Run(temp.Path, "generate", ".", "-o", "out");

        var expected = $"{Path.Combine("b", "Other.expirables")}(2,8): error EXP0107: the class 'Acme.Tokens' is also generated from '{Path.Combine("a", "Tokens.expirables")}'; give one of them another 'module' or 'namespace'";
        Assert.That((check.ExitCode, check.OutputLines), Is.EqualTo((ExitCodes.Failure, new[] { expected })), check.ToString());
        Assert.That((generate.ExitCode, generate.OutputLines), Is.EqualTo((ExitCodes.Failure, new[] { expected })), generate.ToString());
        Assert.That(Directory.GetFiles(temp.PathOf("out"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp.PathOf("out"), f)), Is.EqualTo(new[] { Path.Combine("a", "Tokens.g.cs") }));
    }

    [Test]
    public void Each_file_checked_alone_is_fine()
    {
        using var temp = new TempDirectory();
        temp.Write("a/Tokens.expirables", "namespace Acme\nexpirable a < fetch S.A >\n");
        temp.Write("b/Other.expirables", "namespace Acme\nmodule Tokens\nexpirable b < fetch S.B >\n");

        Assert.That(Expirablesc.Run(temp.Path, "check", "a").ExitCode, Is.EqualTo(ExitCodes.Success));
        Assert.That(Expirablesc.Run(temp.Path, "check", "b").ExitCode, Is.EqualTo(ExitCodes.Success));
    }
}
