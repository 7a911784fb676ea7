using System.IO;
using System.Linq;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Compiler;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>
/// <c>--namespace</c> means what a <c>namespace</c> header means: an escaped part (<c>@class</c>)
/// is a name, never a response file, and its '@' is not part of the runtime's module name.
/// </summary>
public sealed class NamespaceOptionTests
{
    private const string Body = "expirable api_key < fetch Vault.ApiKey >\n";

    [Test]
    public void An_escaped_namespace_after_n_is_a_namespace_not_a_response_file()
    {
        using var temp = new TempDirectory();
        temp.Write("tokens.expirables", Body);
        // What a response-file reader would try to read for '@class': it must not be read.
        temp.Write("class", "--bogus\n");

        var check = Expirablesc.Run(temp.Path, "check", "tokens.expirables", "-n", "@class");
        var generate = Expirablesc.Run(temp.Path, "generate", "tokens.expirables", "-o", "out", "-n", "@class");

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Success), check.ToString());
        Assert.That(generate.ExitCode, Is.EqualTo(ExitCodes.Success), generate.ToString());
        var code = File.ReadAllText(temp.PathOf("out/tokens.g.cs"));
        Assert.That(code, Does.Contain("namespace @class\n").And.Contain("\"class.Tokens\""));
    }

    [TestCase("--namespace=A.@lazy")]
    [TestCase("--namespace:A.@lazy")]
    public void An_escaped_part_generates_what_the_same_namespace_header_generates(string option)
    {
        using var temp = new TempDirectory();
        var file = temp.Write("tokens.expirables", Body);

        var run = Expirablesc.Run(temp.Path, "generate", "tokens.expirables", "-o", "out", option);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        // The header on the same line as the declaration, so that both files have the same lines and columns.
        var header = ExpirablesCompiler.Compile(new SourceFile("tokens.expirables", "namespace A.@lazy " + Body), new CompilerOptions { LineDirectivePath = file });
        var fromOption = File.ReadAllText(temp.PathOf("out/tokens.g.cs"));
        Assert.That(Without(fromOption, "#line ("), Is.EqualTo(Without(header.GeneratedCode!, "#line (")));
        Assert.That(fromOption, Does.Contain("namespace A.lazy\n").And.Contain("\"A.lazy.Tokens\"").And.Not.Contain("@lazy"));
    }

    private static string Without(string text, string linePrefix) =>
        string.Join("\n", text.Split('\n').Where(l => !l.StartsWith(linePrefix, System.StringComparison.Ordinal)));

    [TestCase("Café.Données")]
    [TestCase("My.@namespace.Things")]
    public void A_namespace_of_CSharp_identifiers_is_accepted(string ns)
    {
        using var temp = new TempDirectory();
        temp.Write("tokens.expirables", Body);

        var run = Expirablesc.Run(temp.Path, "check", "tokens.expirables", "--namespace", ns);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
    }
}
