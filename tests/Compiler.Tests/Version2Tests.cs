using System.Linq;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Language version 2 (docs/dsl.md "Version 2"): <c>key T</c>, <c>state S</c>, <c>state S
/// required</c>; the contextual keywords stay names wherever no option starts; each mistake in
/// the new options is one diagnostic, where it is; the generated code and metadata of each kind.
/// </summary>
public sealed class Version2Tests
{
    // Valid: the new options in any order, with every other option, and over several lines.
    [TestCase("expirable a < key string; fetch S.L >")]
    [TestCase("expirable a < fetch S.L key string >")]
    [TestCase("expirable a < state S; fetch S.L; refresh eager 5m; timeout 10s; scope local >")]
    [TestCase("expirable a < state S required fetch S.L >")]
    [TestCase("expirable a <\n    state S\n        required\n    fetch S.L\n>")]
    [TestCase("expirable a : int < key (string region, int year); state List<string>?; fetch S.L >")]
    [TestCase("expirable a < key int?[]; fetch S.L >")]
    [TestCase("expirable a < state Grant?; fetch S.L >")]
    // The contextual keywords are names wherever no option starts, without '@'.
    [TestCase("namespace key.state.required\nopen required\nexpirable key : state < fetch required.key >")]
    [TestCase("module state\nexpirable required : Dictionary<key, (int key, state state)> < fetch S.key >")]
    [TestCase("expirable a < key key; state state required; fetch key.state >")]
    [TestCase("expirable a < key @key; state @required; fetch S.L >")]
    // Mistakes: one diagnostic each, where it is.
    [TestCase("expirable a < key; fetch S.L >", "EXP0001@1,18")]
    [TestCase("expirable a < state; fetch S.L >", "EXP0001@1,20")]
    [TestCase("expirable a < state >", "EXP0001@1,21")]
    [TestCase("expirable a < key string?; fetch S.L >", "EXP0111@1,19")]
    [TestCase("expirable a < key string? required; fetch S.L >", "EXP0111@1,19", "EXP0110@1,27")]
    [TestCase("expirable a < required; fetch S.L >", "EXP0110@1,15")]
    [TestCase("expirable a < state S; required; fetch S.L >", "EXP0110@1,24")]
    [TestCase("expirable a < state required; fetch S.L >", "EXP0110@1,21")]
    [TestCase("expirable a < state required S; fetch S.L >", "EXP0110@1,21")]
    [TestCase("expirable a < state S required required; fetch S.L >", "EXP0110@1,32")]
    [TestCase("expirable a < key string; key int; fetch S.L >", "EXP0105@1,27")]
    [TestCase("expirable a < state S required; state S; fetch S.L >", "EXP0105@1,33")]
    [TestCase("expirable a < key string; state S required >", "EXP0104@1,11")]
    [TestCase("expirable a < keys string; fetch S.L >", "EXP0001@1,15")]
    // Recovery: the parser goes on at the next 'key' or 'state', as at every option keyword.
    [TestCase("expirable a < fetch S.L; foo; key string >", "EXP0001@1,26")]
    [TestCase("expirable a < fetch S.L; foo bar state S required >", "EXP0001@1,26")]
    [TestCase("expirable a < key Dictionary<string, >; state S; fetch S.L >\nexpirable b < key string?; fetch S.L >", "EXP0001@1,38", "EXP0111@2,19")]
    public void Diagnostics_are_exactly(string text, params string[] expected)
    {
        var diagnostics = ExpirablesCompiler.Check(new SourceFile("case.expirables", text));

        Assert.That(diagnostics.Select(d => $"{d.Code}@{d.Line},{d.Column}"), Is.EqualTo(expected), string.Join("\n", diagnostics));
    }

    [Test]
    public void Required_without_a_state_names_the_fix()
    {
        var diagnostic = ExpirablesCompiler.Check(new SourceFile("case.expirables", "expirable crm_token < fetch Crm.Refresh; required >")).Single();

        Assert.That(diagnostic.Message, Does.Contain("expirable 'crm_token' has no 'state'").And.Contain("write 'state S required'"));
    }

    [TestCase("expirable a < fetch S.L >", "Create", "Fetcher.For<string>(", "Expirable<string>")]
    [TestCase("expirable a < key string; fetch S.L >", "CreateKeyed", "Fetcher.ForKeyed<", "KeyedExpirable<")]
    [TestCase("expirable a < state S; fetch S.L >", "CreateStateful", "Fetcher.ForStateful<string,", "StatefulExpirable<string,")]
    [TestCase("expirable a < state S required; key int; fetch S.L >", "CreateKeyedStateful", "Fetcher.ForKeyedStateful<", "KeyedStatefulExpirable<")]
    // After a value type, '<' followed by 'key' or 'state' is still read as it must: a generic
    // argument named so in version 1 ('Foo<key>'), an option when a type follows it.
    [TestCase("expirable a : Foo<key> < fetch S.L >", "Create", "Fetcher.For<", "Expirable<")]
    [TestCase("expirable a : Foo < key Bar; fetch S.L >", "CreateKeyed", "Fetcher.ForKeyed<", "KeyedExpirable<")]
    public void Each_kind_is_created_by_its_factory_and_fetcher_and_has_its_accessor_type(string text, string factory, string fetcher, string accessor)
    {
        var code = ExpirablesCompiler.Compile(new SourceFile("case.expirables", "namespace N\n" + text)).GeneratedCode!;

        Assert.That(code, Does.Contain($"this.A = this.{factory}(Definitions[0], global::ExpirableStore.{fetcher}"));
        Assert.That(code, Does.Contain($"public global::ExpirableStore.{accessor}"));
    }

    [TestCase("expirable a < fetch S.L >", null)]
    [TestCase("expirable a < key string; fetch S.L >", "keyType: \"string\", stateType: null, stateRequired: false,")]
    [TestCase("expirable a < state Dictionary<string,int>; fetch S.L >", "keyType: null, stateType: \"Dictionary<string, int>\", stateRequired: false,")]
    [TestCase("expirable a < key (string a,int b); state S required; fetch S.L >", "keyType: \"(string a, int b)\", stateType: \"S\", stateRequired: true,")]
    public void The_definition_carries_the_key_and_state_types_as_written_in_canonical_spacing(string text, string? version2Arguments)
    {
        var code = ExpirablesCompiler.Compile(new SourceFile("case.expirables", "namespace N\n" + text)).GeneratedCode!;

        if (version2Arguments is null)
        {
            Assert.That(code, Does.Not.Contain("keyType:").And.Not.Contain("stateType:"), "a version 1 declaration uses the version 1 constructor");
        }
        else
        {
            Assert.That(code, Does.Contain("valueType: \"string\",\n                    " + version2Arguments + "\n"));
        }
    }

    [Test]
    public void Without_line_directives_the_types_are_written_inline_in_the_runtime_order()
    {
        var source = new SourceFile("/odd \"quoted\"/case.expirables", "namespace N\nexpirable a : decimal < state Grant; key Guid; fetch S.L >\n");

        var code = ExpirablesCompiler.Compile(source).GeneratedCode!;

        Assert.That(code, Does.Not.Contain("#line"));
        Assert.That(code, Does.Contain("global::ExpirableStore.Fetcher.ForKeyedStateful<Guid, decimal, Grant>("));
        Assert.That(code, Does.Contain("public global::ExpirableStore.KeyedStatefulExpirable<Guid, decimal, Grant> A { get; }"));
    }
}
