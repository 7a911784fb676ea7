using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ExpirableStore.Compiler.Diagnostics;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Pathological inputs: the compiler never throws, never overflows the stack, and every
/// diagnostic points inside the file. (MutationFuzzTests covers random mutations at scale.)
/// </summary>
public sealed class PathologicalInputTests
{
    [Test]
    public void Deeply_nested_generic_arguments_are_a_syntax_error_not_a_stack_overflow()
    {
        var text = "expirable a : " + string.Concat(Enumerable.Repeat("a<", 200_000)) + " < fetch S.L >";

        var diagnostics = CheckWithinFile(text);

        Assert.That(diagnostics.Select(d => d.Code), Does.Contain("EXP0001"));
        Assert.That(diagnostics.Select(d => d.Message), Has.Some.Contains("nested more than 64 levels"));
    }

    [Test]
    public void Deeply_nested_tuples_are_a_syntax_error_not_a_stack_overflow()
    {
        var text = "expirable a : " + string.Concat(Enumerable.Repeat("( ", 200_000)) + " < fetch S.L >";

        Assert.That(CheckWithinFile(text).Select(d => d.Code), Does.Contain("EXP0001"));
    }

    [Test]
    public void Nesting_past_the_limit_is_one_diagnostic_per_type_not_one_per_level()
    {
        var text = "expirable a : " + string.Concat(Enumerable.Repeat("(int, ", 100_000)) + "int" + new string(')', 100_000)
                   + " < fetch S.L >\nexpirable b < fetch S.M >\n";

        var nesting = CheckWithinFile(text).Where(d => d.Message.Contains("nested more than 64 levels", StringComparison.Ordinal)).ToList();

        Assert.That(nesting, Has.Count.EqualTo(1));
        // At the first token inside the 65th '(' (each level is 6 characters, the first '(' is at column 15).
        Assert.That((nesting[0].Line, nesting[0].Column), Is.EqualTo((1, 15 + (64 * 6) + 1)));
    }

    [Test]
    public void Nesting_up_to_the_limit_compiles()
    {
        const int depth = 60;
        var type = string.Concat(Enumerable.Repeat("List<", depth)) + "int" + new string('>', depth);
        var result = ExpirablesCompiler.Compile(new SourceFile("t.expirables", $"expirable a : {type} < fetch S.L >"));

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedCode, Does.Contain(type));
    }

    [Test]
    public void Deeply_nested_block_comments_are_fine()
    {
        var text = string.Concat(Enumerable.Repeat("(* ", 300_000)) + string.Concat(Enumerable.Repeat("*) ", 300_000)) + "\nexpirable a < fetch S.L >";

        Assert.That(CheckWithinFile(text), Is.Empty);
    }

    [Test]
    public void A_million_unclosed_block_comments_are_one_error()
    {
        var text = "expirable a < fetch S.L >\n" + string.Concat(Enumerable.Repeat("(*", 500_000));

        var diagnostics = CheckWithinFile(text);

        Assert.That(diagnostics.Select(d => $"{d.Code} {d.Line},{d.Column}"), Is.EqualTo(new[] { "EXP0002 2,1" }));
    }

    [Test]
    public void A_one_megabyte_identifier_compiles_and_messages_stay_short()
    {
        var name = "a" + new string('b', 1 << 20);
        var ok = ExpirablesCompiler.Compile(new SourceFile("t.expirables", $"expirable {name} < fetch S.{name} >"));
        var duplicate = CheckWithinFile($"expirable {name} < fetch S.L >\nexpirable {name} < fetch S.L >");

        Assert.That(ok.Diagnostics, Is.Empty);
        Assert.That(ok.GeneratedCode!.Length, Is.GreaterThan(2 << 20));
        Assert.That(duplicate.Single().Code, Is.EqualTo("EXP0101"));
        Assert.That(duplicate.Single().Message.Length, Is.LessThan(200));
    }

    [Test]
    public void A_one_megabyte_duration_and_a_one_megabyte_invalid_run_are_single_diagnostics()
    {
        var duration = CheckWithinFile("expirable a < fetch S.L; timeout 1" + new string('0', 1 << 20) + "s >");
        var invalid = CheckWithinFile("expirable a < fetch S.L >" + new string('#', 1 << 20));

        Assert.That(duration.Select(d => d.Code), Is.EqualTo(new[] { "EXP0004" }));
        Assert.That(invalid.Select(d => d.Code), Is.EqualTo(new[] { "EXP0002" }));
        Assert.That(invalid.Single().Message.Length, Is.LessThan(200));
    }

    [Test]
    public void Random_bytes_and_truncations_never_throw_and_stay_inside_the_file()
    {
        var random = new Random(20261124);
        var sample = System.IO.File.ReadAllText(TestData.PathOf("Golden", "Tokens.expirables"));
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            CheckWithinFile(Encoding.UTF8.GetString(bytes));
            CheckWithinFile(sample.Substring(0, random.Next(sample.Length + 1)));
            CheckWithinFile(sample.Insert(random.Next(sample.Length + 1), ((char)random.Next(0, 0xFFFF)).ToString()));
        }
    }

    [Test]
    public void Token_level_mutations_of_every_test_file_never_throw_and_stay_inside_the_file()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("COMPILER_MUTATIONS"), out var n) ? n : 2_000;
        var random = new Random(42);
        var texts = TestData.Files("Golden", "*.expirables").Concat(TestData.Files("Diagnostics", "*.expirables"))
            .Select(System.IO.File.ReadAllText)
            .ToArray();
        var pieces = new[] { "<", ">", ";", ":", ",", ".", "(", ")", "(*", "*)", "//", "[", "]", "?", "@", "expirable", "fetch", "scope", "refresh", "eager", "timeout", "namespace", "module", "open", "30s", "1h30m", "x", "\n", "\r\n", "\uFEFF", "\0" };
        for (var i = 0; i < iterations; i++)
        {
            var tokens = System.Text.RegularExpressions.Regex.Split(texts[random.Next(texts.Length)], @"(\s+|[<>;:,.()\[\]?@])").ToList();
            for (var edits = random.Next(1, 6); edits > 0 && tokens.Count > 1; edits--)
            {
                var at = random.Next(tokens.Count);
                switch (random.Next(4))
                {
                    case 0: tokens.RemoveAt(at); break;
                    case 1: tokens.Insert(at, tokens[random.Next(tokens.Count)]); break;
                    case 2: (tokens[at], tokens[random.Next(tokens.Count)]) = (tokens[random.Next(tokens.Count)], tokens[at]); break;
                    default: tokens.Insert(at, pieces[random.Next(pieces.Length)]); break;
                }
            }

            CheckWithinFile(string.Concat(tokens));
        }
    }

    [Test]
    public void Ten_thousand_expirables_compile()
    {
        var builder = new StringBuilder("namespace Big\n");
        for (var i = 0; i < 10_000; i++)
        {
            builder.Append("expirable value_").Append(i).Append(" : Dictionary<string, int> < fetch Sources.Value").Append(i).Append("; scope local; refresh eager 30s; timeout 10s >\n");
        }

        var result = ExpirablesCompiler.Compile(new SourceFile("Big.expirables", builder.ToString()));

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedCode, Does.Contain("public global::ExpirableStore.Expirable<"));
    }

    private static IReadOnlyList<Diagnostic> CheckWithinFile(string text)
    {
        var source = new SourceFile("t.expirables", text);
        var diagnostics = ExpirablesCompiler.Compile(source).Diagnostics;
        var lines = text.Split('\n').Length + text.Count(c => c == '\r');
        foreach (var d in diagnostics)
        {
            Assert.That(d.Code, Is.Not.EqualTo("EXP0199"), d.ToString());
            Assert.That(d.Line, Is.InRange(1, lines), d.ToString());
            Assert.That(d.Column, Is.GreaterThanOrEqualTo(1), d.ToString());
            Assert.That((d.EndLine, d.EndColumn), Is.GreaterThanOrEqualTo((d.Line, d.Column)), d.ToString());
        }

        return diagnostics;
    }
}
