using System.Linq;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// The namespace and class name a host passes (MSBuild's RootNamespace, Namespace and ClassName
/// metadata, the CLI's --namespace) follow the rules of the file's own headers: an escaped part is
/// the name without its '@', and a name C# cannot declare is EXP0905 instead of broken C#.
/// </summary>
public sealed class CallerNamesTests
{
    private static readonly SourceFile File = new("tokens.expirables", "expirable api_key < fetch Vault.ApiKey >\n");

    [TestCase("A.@lazy", "namespace A.lazy\n", "\"A.lazy.Tokens\"")]
    [TestCase("@class.Things", "namespace @class.Things\n", "\"class.Things.Tokens\"")]
    [TestCase("My.App", "namespace My.App\n", "\"My.App.Tokens\"")]
    public void The_default_namespace_means_what_the_same_header_means(string ns, string declaration, string moduleName)
    {
        var result = ExpirablesCompiler.Compile(File, new CompilerOptions { DefaultNamespace = ns });

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedCode, Does.Contain(declaration).And.Contain(moduleName));
    }

    [TestCase("My App")]
    [TestCase("My-App")]
    [TestCase("My..App")]
    [TestCase("1App")]
    [TestCase("global::My")]
    [TestCase("My.")]
    public void A_default_namespace_that_is_not_one_is_EXP0905_and_generates_nothing(string ns)
    {
        var result = ExpirablesCompiler.Compile(File, new CompilerOptions { DefaultNamespace = ns });

        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EXP0905" }));
        Assert.That(result.Diagnostics[0].Message, Does.Contain($"'{ns}'"));
        Assert.That(result.GeneratedCode, Is.Null);
    }

    [Test]
    public void A_file_with_its_own_namespace_header_does_not_use_the_default()
    {
        var result = ExpirablesCompiler.Compile(new SourceFile("tokens.expirables", "namespace Own\n" + File.Text), new CompilerOptions { DefaultNamespace = "My App" });

        Assert.That(result.Diagnostics, Is.Empty);
    }

    [TestCase("1Tokens")]
    [TestCase("My.Tokens")]
    [TestCase("My Tokens")]
    public void A_class_name_that_is_not_one_is_EXP0905(string className)
    {
        var result = ExpirablesCompiler.Compile(File, new CompilerOptions { ClassName = className });

        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "EXP0905" }));
        Assert.That(result.GeneratedCode, Is.Null);
    }

    [TestCase("@Secrets", "class Secrets ", "\"Secrets\"")]
    [TestCase("Données", "class Données ", "\"Données\"")]
    public void An_escaped_or_non_ASCII_class_name_is_a_class_name(string className, string declaration, string moduleName)
    {
        var result = ExpirablesCompiler.Compile(File, new CompilerOptions { ClassName = className });

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedCode, Does.Contain(declaration).And.Contain(", " + moduleName.Replace("é", "\\u00e9", System.StringComparison.Ordinal) + ","));
    }
}
