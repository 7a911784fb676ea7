using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Antlr4.Runtime;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Formatting;
using ExpirableStore.Compiler.Syntax;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Fuzzing with a fixed seed: thousands of mutated variants of the valid inputs. Whatever the
/// text, Compile, Check and Format return (no exception, no internal-error diagnostic), every
/// diagnostic points inside the file, a variant that still parses formats idempotently, and a
/// variant that check accepts generates C# that builds (a sample of them is built with Roslyn,
/// every warning an error; only names the test does not define are allowed to be missing).
/// The variants of the version 1 files are also compared with what the version 1 compiler made
/// of them (<see cref="Version1Baseline"/>). A failure names the variant's number;
/// <see cref="Variant"/> rebuilds it.
/// </summary>
public sealed class MutationFuzzTests
{
    private const int RandomSeed = 20261124;
    private const int VariantCount = 10_000;

    // Every how-manieth accepted variant is built with Roslyn, and how many at most: enough to see
    // each kind of mutation, few enough to build in a few seconds.
    private const int BuildEvery = 4;
    private const int BuildAtMost = 600;
    private const int BuildBatch = 150;

    // Fragments that are worth inserting: the language's tokens, comment delimiters, odd characters.
    private static readonly string[] Fragments =
    {
        "expirable", "namespace", "module", "open", "fetch", "scope", "refresh", "timeout", "cluster", "local",
        "lazy", "eager", "<", ">", ":", ";", ",", ".", "?", "[", "]", "(", ")", "(*", "*)", "//", "@", "@lazy",
        "30s", "1h30m", "0s", "366d", "1s30m", "30", "x", "_", "\n", "\r\n", "\r", "\t", " ", "\uFEFF", "\u00A0",
        "\0", "\uD800", "\uDC00", "\U0001F600", "é", "\u2028", "\"", "'", "#line", "}", "{", "\\",
    };

    // The version 1 files the variants are made from: the valid inputs of the tests when version 1
    // was the language, listed (with their contents' digests) in the baseline.
    private static readonly Lazy<SeedFile[]> Seeds = new(() => Version1Baseline.SeedFiles()
        .Select(path => SourceFile.Load(path))
        .Select(source => new SeedFile(source.Text, SignificantSpans(source)))
        .ToArray());

    private static readonly FuzzSet Version1 = new(RandomSeed, Seeds, Fragments);

    // Version 2: the valid inputs with keyed or stateful declarations, and its words to insert.
    private const int Version2VariantCount = 3_000;

    private static readonly FuzzSet Version2 = new(
        RandomSeed + 2,
        new Lazy<SeedFile[]>(() => TestData.ValidInputs()
            .Select(path => SourceFile.Load(path))
            .Where(source => source.Text.Contains("< key ", StringComparison.Ordinal) || source.Text.Contains("state ", StringComparison.Ordinal))
            .Select(source => new SeedFile(source.Text, SignificantSpans(source)))
            .ToArray()),
        Fragments.Concat(new[] { "key", "state", "required", "key string", "state S required", "key int?", "@key" }).ToArray());

    [Test]
    public void Ten_thousand_mutated_files_never_break_the_compiler_or_the_formatter()
    {
        var failures = new ConcurrentQueue<string>();
        var accepted = new ConcurrentBag<int>();
        var stopwatch = Stopwatch.StartNew();
        var parsed = 0;
        var outcomes = new string[VariantCount];

        Parallel.For(0, VariantCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
        {
            var text = Variant(Version1, index);
            var problem = Examine($"variant-{index}.expirables", text, out var formatted, out var isAccepted, out outcomes[index]);
            if (formatted)
            {
                System.Threading.Interlocked.Increment(ref parsed);
            }

            if (isAccepted)
            {
                accepted.Add(index);
            }

            if (problem is not null && failures.Count < 20)
            {
                failures.Enqueue($"variant {index}: {problem}\n--- text (first 300 chars):\n{Shorten(text)}");
            }
        });

        var examined = stopwatch.Elapsed;
        var built = BuildAcceptedSample(Version1, accepted.OrderBy(i => i).Where((_, n) => n % BuildEvery == 0).Take(BuildAtMost).ToList(), failures);

        TestContext.Out.WriteLine($"{VariantCount} variants in {examined.TotalSeconds:F1} s: {parsed} still parsed and were formatted, {accepted.Count} accepted by check; "
            + $"{built} of those built with Roslyn in {(stopwatch.Elapsed - examined).TotalSeconds:F1} s.");
        Assert.That(failures, Is.Empty, () => string.Join("\n\n", failures.Take(5)));
        Version1Baseline.AssertSameOutcomes(outcomes, Variant);
        Assert.That(parsed, Is.GreaterThan(VariantCount / 20), "some variants stay valid, so the formatter is exercised on new shapes");
        Assert.That(built, Is.GreaterThan(BuildAtMost / 2), "enough accepted variants are built");
    }

    // The same for variants of the version 2 inputs (keyed and stateful declarations, the words
    // 'key', 'state', 'required' inserted anywhere); they have no version 1 outcome to keep.
    [Test]
    public void Three_thousand_mutated_version_2_files_never_break_the_compiler_or_the_formatter()
    {
        Assert.That(Version2.Seeds.Value, Has.Length.GreaterThanOrEqualTo(3), "the version 2 inputs are found");
        var failures = new ConcurrentQueue<string>();
        var accepted = new ConcurrentBag<int>();
        var parsed = 0;

        Parallel.For(0, Version2VariantCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, index =>
        {
            var text = Variant(Version2, index);
            var problem = Examine($"variant-{index}.expirables", text, out var formatted, out var isAccepted);
            if (formatted)
            {
                System.Threading.Interlocked.Increment(ref parsed);
            }

            if (isAccepted)
            {
                accepted.Add(index);
            }

            if (problem is not null && failures.Count < 20)
            {
                failures.Enqueue($"version 2 variant {index}: {problem}\n--- text (first 300 chars):\n{Shorten(text)}");
            }
        });

        var built = BuildAcceptedSample(Version2, accepted.OrderBy(i => i).Where((_, n) => n % BuildEvery == 0).Take(BuildAtMost / 2).ToList(), failures);

        TestContext.Out.WriteLine($"{Version2VariantCount} version 2 variants: {parsed} still parsed and were formatted, {accepted.Count} accepted by check, {built} of those built with Roslyn.");
        Assert.That(failures, Is.Empty, () => string.Join("\n\n", failures.Take(5)));
        Assert.That(parsed, Is.GreaterThan(Version2VariantCount / 20), "some variants stay valid, so the formatter is exercised on new shapes");
        Assert.That(built, Is.GreaterThan(BuildAtMost / 8), "enough accepted variants are built");
    }

    // Builds the C# of accepted variants, many per compilation: each is compiled again under a class
    // name of its own so that they can share one, and a problem is traced back to its variant.
    private static int BuildAcceptedSample(FuzzSet set, IReadOnlyList<int> indexes, ConcurrentQueue<string> failures)
    {
        var built = 0;
        foreach (var batch in indexes.Chunk(BuildBatch))
        {
            var trees = new List<Microsoft.CodeAnalysis.SyntaxTree>();
            foreach (var index in batch)
            {
                var path = $"variant-{index}.expirables";
                var result = ExpirablesCompiler.Compile(new SourceFile(path, Variant(set, index)), new CompilerOptions { DefaultNamespace = "Fuzz", ClassName = $"Variant{index}", LineDirectivePath = path });
                if (result.GeneratedCode is null)
                {
                    failures.Enqueue($"variant {index}: accepted, but not with a class name of its own: {string.Join("; ", result.Diagnostics)}");
                    continue;
                }

                trees.Add(GeneratedCSharp.Parse(result.GeneratedCode, $"variant-{index}.g.cs"));
            }

            var problems = GeneratedCSharp.GeneratorProblems(GeneratedCSharp.Build(trees, realRuntime: true, withFetchers: false));
            foreach (var problem in problems.Take(5))
            {
                failures.Enqueue($"{problem.Location.GetMappedLineSpan().Path}: accepted by check, but its C# does not build: {problem}");
            }

            built += trees.Count;
        }

        return built;
    }

    public static IEnumerable<TestCaseData> Extremes()
    {
        const int Deep = 100_000;
        yield return Case("nested block comments", string.Concat(Enumerable.Repeat("(* ", Deep)) + string.Concat(Enumerable.Repeat("*) ", Deep)) + "\nexpirable a < fetch S.A >\n");
        yield return Case("unclosed nested block comments", "expirable a < fetch S.A >\n" + string.Concat(Enumerable.Repeat("(* ", Deep)));
        yield return Case("block comments closed too often", "expirable a < fetch S.A >\n" + string.Concat(Enumerable.Repeat("*) ", Deep)));
        yield return Case("nested generic types", "expirable a : " + string.Concat(Enumerable.Repeat("List<", Deep)) + "int" + new string('>', Deep) + " < fetch S.A >\n");
        yield return Case("unclosed generic types", "expirable a : " + string.Concat(Enumerable.Repeat("List<", Deep)));
        yield return Case("nested tuples", "expirable a : " + string.Concat(Enumerable.Repeat("(int, ", Deep)) + "int" + new string(')', Deep) + " < fetch S.A >\n");
        yield return Case("nested arrays", "expirable a : int" + string.Concat(Enumerable.Repeat("[,]?", Deep)) + " < fetch S.A >\n");
        yield return Case("many declarations opened", string.Concat(Enumerable.Repeat("expirable a < ", Deep / 10)));
        yield return Case("many closing brackets", "expirable a < fetch S.A " + new string('>', Deep));
        var megabyte = "a" + new string('b', 1 << 20);
        yield return Case("1 MB identifier", $"expirable {megabyte} < fetch S.{megabyte} >\n");
        yield return Case("1 MB identifier twice", $"expirable {megabyte} < fetch S.A >\nexpirable {megabyte} < fetch S.A >\n");
        yield return Case("1 MB duration", "expirable a < fetch S.A; timeout 1" + new string('0', 1 << 20) + "s >\n");
        yield return Case("1 MB line comment", "// " + new string('c', 1 << 20) + "\nexpirable a < fetch S.A >\n");
        yield return Case("1 MB of invalid characters", "expirable a < fetch S.A >\n" + new string('$', 1 << 20));
        yield return Case("1 MB of line breaks", new string('\n', 1 << 20) + "expirable a < fetch S.A >");
        yield return Case("1 MB of random characters", RandomText(new Random(RandomSeed), 1 << 20));
        yield return Case("only a byte-order mark", "\uFEFF");
        yield return Case("nothing", string.Empty);

        static TestCaseData Case(string name, string text) => new TestCaseData(text).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Extremes))]
    public void Extreme_inputs_are_handled(string text)
    {
        var problem = Examine("extreme.expirables", text, out _, out _);

        Assert.That(problem, Is.Null);
    }

    /// <summary>Variant number <paramref name="index"/> of the version 1 files: the same text on every run and machine.</summary>
    internal static string Variant(int index) => Variant(Version1, index);

    private static string Variant(FuzzSet set, int index)
    {
        var random = new Random(set.RandomSeed + index);
        var seeds = set.Seeds.Value;
        var seed = seeds[random.Next(seeds.Length)];
        var text = seed.Text;
        var spans = seed.Spans;
        var mutations = random.Next(4) == 0 ? random.Next(2, 6) : 1;
        for (var m = 0; m < mutations; m++)
        {
            (text, spans) = Mutate(random, text, spans, seeds, set.Fragments);
        }

        return text;
    }

    private static (string Text, List<(int Start, int Length)> Spans) Mutate(Random random, string text, List<(int Start, int Length)> spans, SeedFile[] seeds, string[] fragments)
    {
        string Token(int i) => text.Substring(spans[i].Start, spans[i].Length);

        if (spans.Count == 0)
        {
            return (text + fragments[random.Next(fragments.Length)], spans);
        }

        var which = random.Next(spans.Count);
        var (start, length) = spans[which];
        string mutated;
        switch (random.Next(10))
        {
            case 0:
            case 1:
                // Delete a token.
                mutated = text.Remove(start, length);
                break;
            case 2:
                // Duplicate a token.
                mutated = text.Insert(start, Token(which) + (random.Next(2) == 0 ? " " : string.Empty));
                break;
            case 3:
            {
                // Swap two tokens.
                var other = random.Next(spans.Count);
                var (first, second) = which < other ? (which, other) : (other, which);
                if (first == second)
                {
                    mutated = text.Remove(start, length);
                    break;
                }

                var a = spans[first];
                var b = spans[second];
                mutated = text[..a.Start] + Token(second) + text[(a.Start + a.Length)..b.Start] + Token(first) + text[(b.Start + b.Length)..];
                break;
            }

            case 4:
            {
                // Replace a token with one from any valid file.
                var donor = seeds[random.Next(seeds.Length)];
                var donated = "x";
                if (donor.Spans.Count > 0)
                {
                    var span = donor.Spans[random.Next(donor.Spans.Count)];
                    donated = donor.Text.Substring(span.Start, span.Length);
                }

                mutated = text.Remove(start, length).Insert(start, donated);
                break;
            }

            case 5:
                // Insert a fragment: a keyword, a bracket, a comment delimiter, an odd character.
                mutated = text.Insert(random.Next(text.Length + 1), fragments[random.Next(fragments.Length)]);
                break;
            case 6:
                // Overwrite a token with random characters (any UTF-16 code unit, lone surrogates
                // included), or with random bytes read as UTF-8 the way a file is loaded.
                mutated = text.Remove(start, length).Insert(start, random.Next(2) == 0 ? RandomText(random, random.Next(1, 8)) : RandomBytesAsUtf8(random, random.Next(1, 16)));
                break;
            case 7:
                // Truncate.
                mutated = text[..random.Next(text.Length + 1)];
                break;
            case 8:
            {
                // Nest: wrap a token in generic brackets or comments many times.
                var depth = random.Next(1, 300);
                var (open, close) = random.Next(3) switch
                {
                    0 => ("(* ", " *)"),
                    1 => ("List<", ">"),
                    _ => ("(", ", int)"),
                };
                var opening = string.Concat(Enumerable.Repeat(open, depth));
                // Sometimes left unclosed.
                var closing = random.Next(4) == 0 ? string.Empty : string.Concat(Enumerable.Repeat(close, depth));
                mutated = text.Insert(start + length, closing).Insert(start, opening);
                break;
            }

            default:
                // Change the line ends, or glue everything onto one line.
                mutated = random.Next(3) switch
                {
                    0 => text.Replace("\n", "\r\n"),
                    1 => text.Replace("\n", "\r"),
                    _ => text.Replace("\n", " "),
                };
                break;
        }

        return (mutated, SignificantSpans(new SourceFile("m.expirables", mutated)));
    }

    // Checks one text; returns what is wrong, or null.
    private static string? Examine(string path, string text, out bool formatted, out bool accepted) =>
        Examine(path, text, out formatted, out accepted, out _);

    private static string? Examine(string path, string text, out bool formatted, out bool accepted, out string outcome)
    {
        formatted = false;
        accepted = false;
        outcome = string.Empty;
        var source = new SourceFile(path, text);
        IReadOnlyList<Diagnostic> checkDiagnostics;
        CompilationResult compiled;
        FormattingResult format;
        try
        {
            var options = new CompilerOptions { DefaultNamespace = "Fuzz" };
            checkDiagnostics = ExpirablesCompiler.Check(source, options);
            compiled = ExpirablesCompiler.Compile(source, options);
            format = ExpirablesFormatter.Format(source);
        }
#pragma warning disable CA1031 // The test's subject: any exception is the failure being looked for.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return "threw " + exception;
        }

        var lines = LineLengths(text);
        foreach (var diagnostic in checkDiagnostics.Concat(compiled.Diagnostics).Concat(format.Diagnostics))
        {
            if (diagnostic.Code == "EXP0199")
            {
                return "internal error: " + diagnostic;
            }

            var problem = OutsideFile(diagnostic, lines);
            if (problem is not null)
            {
                return problem + ": " + Shorten(diagnostic.ToString());
            }
        }

        if (!checkDiagnostics.SequenceEqual(compiled.Diagnostics))
        {
            return "Check and Compile disagree";
        }

        if (compiled.HasErrors != (compiled.GeneratedCode is null))
        {
            return "code generated despite errors, or missing without them";
        }

        accepted = !compiled.HasErrors;
        outcome = Version1Baseline.Outcome(checkDiagnostics, compiled, format);

        if (format.FormattedText is not null)
        {
            formatted = true;
            var again = ExpirablesFormatter.Format(new SourceFile(path, format.FormattedText));
            if (again.FormattedText != format.FormattedText)
            {
                return "formatting is not idempotent";
            }
        }

        return null;
    }

    private static string? OutsideFile(Diagnostic d, int[] lines)
    {
        if (d.Line < 1 || d.Line > lines.Length || d.EndLine < d.Line || d.EndLine > lines.Length)
        {
            return $"line out of range (file has {lines.Length} lines)";
        }

        if (d.Column < 1 || d.Column > lines[d.Line - 1] + 1)
        {
            return $"column out of range (line {d.Line} has {lines[d.Line - 1]} characters)";
        }

        if (d.EndColumn < 1 || d.EndColumn > lines[d.EndLine - 1] + 1 || (d.EndLine == d.Line && d.EndColumn < d.Column))
        {
            return "end column out of range";
        }

        return null;
    }

    // The length of each line, as the compiler counts: CRLF, LF and a lone CR end a line; a leading BOM takes no column.
    private static int[] LineLengths(string text)
    {
        var lengths = new List<int>();
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] is '\r' or '\n')
            {
                lengths.Add(i - start);
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        lengths.Add(text.Length - start);
        return lengths.ToArray();
    }

    private static List<(int Start, int Length)> SignificantSpans(SourceFile source)
    {
        var spans = new List<(int, int)>();
        foreach (var token in SyntaxTree.Parse(source).Tokens)
        {
            if (token.Type != TokenConstants.EOF && token.StartIndex >= 0 && token.StopIndex >= token.StartIndex && token.Type != Parsing.Internal.ExpirablesLexer.WHITESPACE && token.Type != Parsing.Internal.ExpirablesLexer.NEWLINE)
            {
                spans.Add((token.StartIndex, token.StopIndex - token.StartIndex + 1));
            }
        }

        return spans;
    }

    private static string RandomText(Random random, int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(4) == 0 ? (char)random.Next(0x20, 0x7F) : (char)random.Next(0, 0x10000));
        }

        return builder.ToString();
    }

    private static string RandomBytesAsUtf8(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private sealed record SeedFile(string Text, List<(int Start, int Length)> Spans);

    // Where variants come from: the random seed, the files they are made from, what is inserted.
    private sealed record FuzzSet(int RandomSeed, Lazy<SeedFile[]> Seeds, string[] Fragments);
}
