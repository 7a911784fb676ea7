using System.Linq;
using ExpirableStore.Compiler.Syntax;
using ExpirableStore.Compiler.Parsing.Internal;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

public sealed class SyntaxTreeTests
{
    private const string Sample = """
        namespace A.B // the namespace
        module M
        open System.Text
        (* a (* nested *) comment *)
        expirable token : Dictionary<string,int> < fetch S.@lazy; scope local; refresh eager 1m; timeout 10s >
        """;

    [Test]
    public void Headers_and_declarations_come_with_their_values_and_positions()
    {
        var tree = SyntaxTree.Parse(new SourceFile("t.expirables", Sample));

        Assert.That(tree.Diagnostics, Is.Empty);
        Assert.That(tree.Headers.Select(h => (h.Kind, h.Name!.Text)), Is.EqualTo(new[]
        {
            (HeaderKind.Namespace, "A.B"), (HeaderKind.Module, "M"), (HeaderKind.Open, "System.Text"),
        }));
        var declaration = tree.Declarations.Single();
        Assert.That((declaration.KeywordSpan.Line, declaration.KeywordSpan.Column), Is.EqualTo((5, 1)));
        Assert.That(declaration.Name!.Text, Is.EqualTo("token"));
        Assert.That((declaration.Name.Span.Column, declaration.Name.Span.EndColumn), Is.EqualTo((11, 16)));
        Assert.That(declaration.Type!.Text, Is.EqualTo("Dictionary<string, int>"));
        Assert.That(declaration.Type.SourceText, Is.EqualTo("Dictionary<string,int>"));
        var fetch = declaration.Option(OptionKind.Fetch)!;
        Assert.That(fetch.FetchMethod!.Parts.Select(p => (p.Text, p.ValueText, p.IsEscaped)), Is.EqualTo(new[] { ("S", "S", false), ("@lazy", "lazy", true) }));
        Assert.That(declaration.Option(OptionKind.Scope)!.Scope, Is.EqualTo(ScopeValue.Local));
        Assert.That(declaration.Option(OptionKind.Refresh)!.Refresh, Is.EqualTo(RefreshValue.Eager));
        Assert.That(declaration.Option(OptionKind.Refresh)!.Duration!.Text, Is.EqualTo("1m"));
        Assert.That(declaration.Option(OptionKind.Timeout)!.Duration!.Text, Is.EqualTo("10s"));
    }

    [Test]
    public void Comments_are_kept_on_the_COMMENTS_channel_and_white_space_on_HIDDEN()
    {
        var tree = SyntaxTree.Parse(new SourceFile("t.expirables", Sample));

        var comments = tree.Tokens.Where(t => t.Channel == ExpirablesLexer.COMMENTS).Select(t => t.Text).ToList();
        Assert.That(comments, Is.EqualTo(new[] { "// the namespace", "(* a (* nested *) comment *)" }));
        Assert.That(tree.Tokens.Where(t => t.Channel == 1).Select(t => t.Type).Distinct(), Is.EquivalentTo(new[] { ExpirablesLexer.WHITESPACE, ExpirablesLexer.NEWLINE }));
        Assert.That(string.Concat(tree.Tokens.Where(t => t.Type != Antlr4.Runtime.TokenConstants.EOF).Select(t => t.Text)), Is.EqualTo(Sample), "the tokens rebuild the file");
    }

    [Test]
    public void Equivalence_ignores_layout_comments_and_separators_but_not_meaning()
    {
        var original = SyntaxTree.Parse(new SourceFile("a.expirables", Sample));
        var relaid = SyntaxTree.Parse(new SourceFile("b.expirables", """
            namespace A . B
            module M open System.Text
            expirable token : Dictionary< string , int >
            <
                fetch S.@lazy
                scope local
                refresh eager 1m // comment
                timeout 10s
            >
            """));
        var changed = SyntaxTree.Parse(new SourceFile("c.expirables", Sample.Replace("10s", "11s", System.StringComparison.Ordinal)));

        Assert.That(original.IsEquivalentTo(relaid), Is.True);
        Assert.That(original.IsEquivalentTo(changed), Is.False);
    }

    [Test]
    public void Keywords_are_reserved_in_lower_case_only()
    {
        var tree = SyntaxTree.Parse(new SourceFile("t.expirables", "expirable Fetch < fetch Lazy.Eager >"));

        Assert.That(tree.Diagnostics, Is.Empty);
        Assert.That(tree.Declarations.Single().Option(OptionKind.Fetch)!.FetchMethod!.Text, Is.EqualTo("Lazy.Eager"));
    }

    [Test]
    public void A_keyword_as_a_name_is_a_syntax_error_that_suggests_nothing_but_a_name()
    {
        var diagnostic = SyntaxTree.Parse(new SourceFile("t.expirables", "expirable lazy < fetch S.L >")).Diagnostics[0];

        Assert.That((diagnostic.Code, diagnostic.Column, diagnostic.Message), Is.EqualTo(("EXP0001", 11, "expected a name but found 'lazy'")));
    }
}
