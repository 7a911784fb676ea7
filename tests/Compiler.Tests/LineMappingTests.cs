using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// A C# error in what the user wrote (a type, a fetch reference, an opened namespace) is reported
/// at its own line and column in the .expirables file, however it was written: over several lines,
/// with comments or spaces inside, with keywords the generator escapes.
/// </summary>
public sealed class LineMappingTests
{
    [TestCase("expirable spread : Dictionary< string ,\n    (* the value *) Strnig > < fetch TypeSources.SpreadOut >", "Strnig")]
    [TestCase("expirable spread : Dictionary<\n    string,\n    List<Strnig>> < fetch TypeSources.SpreadOut >", "Strnig")]
    [TestCase("expirable spread : List<(* a comment *)Strnig> < fetch TypeSources.SpreadOut >", "Strnig")]
    [TestCase("expirable spread : List< Strnig > < fetch TypeSources.SpreadOut >", "Strnig")]
    public void An_unknown_type_is_reported_where_it_is_written(string declaration, string name) =>
        AssertReportedAt("namespace Samples.Types\n" + declaration + "\n", name);

    [TestCase("expirable spread : int < key Dictionary< string ,\n    (* the key *) Strnig >; fetch TypeSources.SpreadOut >", "Strnig")]
    [TestCase("expirable spread : int <\n    state List<\n        Strnig>? required\n    fetch TypeSources.SpreadOut\n>", "Strnig")]
    [TestCase("expirable spread : int < key int; state (int a, Strnig b); fetch TypeSources.SpreadOut >", "Strnig")]
    public void An_unknown_key_or_state_type_is_reported_where_it_is_written(string declaration, string name) =>
        AssertReportedAt("namespace Samples.Types\n" + declaration + "\n", name);

    [TestCase("expirable spread : int < fetch TypeSources . SpredOut >", "SpredOut")]
    [TestCase("expirable spread : int < fetch\n    TypeSources (* where *) .\n        SpredOut >", "SpredOut")]
    [TestCase("expirable spread : int < fetch Missing.class.Load >", "Missing")]
    [TestCase("expirable spread : int < fetch Samples.class.Holder.Missing >", "Missing")]
    public void An_unknown_fetch_method_is_reported_where_it_is_written(string declaration, string name) =>
        AssertReportedAt("namespace Samples.Types\n" + declaration + "\n", name);

    [TestCase("open Acme.Missing\n", "Missing")]
    [TestCase("open Nowhere\n", "Nowhere")]
    [TestCase("open Acme . Missing\n", "Missing")]
    [TestCase("open System.Collections.Immutable\nopen Acme.Missing // the second\n", "Missing")]
    [TestCase("open Acme.\n    Missing\n", "Missing")]
    [TestCase("open Acme.\r(* a comment *)\rMissing\r", "Missing")]
    public void An_open_of_a_namespace_that_does_not_exist_is_reported_at_the_open(string opens, string name) =>
        AssertReportedAt("namespace Samples.Types\n" + opens + "expirable pairs : List<(string key, int count)> < fetch TypeSources.Pairs >\n", name);

    private static void AssertReportedAt(string text, string name)
    {
        var result = ExpirablesCompiler.Compile(new SourceFile("Case.expirables", text), new CompilerOptions { LineDirectivePath = "Case.expirables" });
        Assert.That(result.HasErrors, Is.False, string.Join("\n", result.Diagnostics));

        // The errors about the name (a type it cannot find makes the fetch method's type wrong too, elsewhere),
        // and none in what the generator wrote around it (a #line directive Roslyn refuses, CS8938).
        var all = GeneratedCSharp.Build(new[] { GeneratedCSharp.Parse(result.GeneratedCode!, "Case.g.cs") }, realRuntime: true);
        Assert.That(GeneratedCSharp.GeneratorProblems(all), Is.Empty, () => GeneratedCSharp.Describe(all) + "\n" + result.GeneratedCode);
        var errors = all
            .Where(e => e.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains($"'{name}'", StringComparison.Ordinal))
            .ToList();

        var lines = text.Split(new[] { "\r\n", "\r", "\n" }, StringSplitOptions.None);
        var line = Array.FindIndex(lines, l => l.Contains(name, StringComparison.Ordinal));
        var expected = ("Case.expirables", line + 1, lines[line].IndexOf(name, StringComparison.Ordinal) + 1);
        Assert.That(errors, Is.Not.Empty, "the test means an error");
        Assert.That(
            errors.Select(e => e.Location.GetMappedLineSpan()).Select(s => (s.Path, s.StartLinePosition.Line + 1, s.StartLinePosition.Character + 1)),
            Has.All.EqualTo(expected),
            () => GeneratedCSharp.Describe(errors) + "\n" + result.GeneratedCode);
    }
}
