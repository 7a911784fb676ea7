using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Formatting;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// What the version 1 compiler made of the mutation fuzz test's variants of the version 1 files:
/// <c>Version1/fuzz-outcomes.txt</c> lists the files the variants are made from (copies, in
/// <c>Version1/seeds/</c>, of the tests' and samples' valid inputs when version 1 was the
/// language, with digests of their contents) and, per variant, a digest of its outcome (the
/// diagnostics of check, the generated C#, the formatted text). A later compiler must give every variant the same outcome,
/// so that every version 1 file keeps its meaning, its diagnostics and its layout.
/// </summary>
/// <remarks>
/// Only a variant that contains a word version 2 gives a meaning to (<c>key</c>, <c>state</c>,
/// <c>required</c>) may differ: where an option starts, such a word now starts an option. An
/// EXP0001 message that lists the options names <c>key</c> and <c>state</c> too; the digest is
/// taken of the message without them, so the version 1 message and the version 2 message are
/// the same outcome. <c>UPDATE_VERSION1_BASELINE=1</c> rewrites the outcomes from the current
/// compiler (only ever from one whose outcomes are the reference); the seeds stay.
/// </remarks>
internal static class Version1Baseline
{
    private const string SeedPrefix = "seed ";

    private static readonly string BaselinePath = TestData.PathOf("Version1", "fuzz-outcomes.txt");

    private static readonly string SeedDirectory = TestData.PathOf("Version1", "seeds");

    private static readonly Regex Version2Word = new(@"(?<![@A-Za-z0-9_])(key|state|required)(?![A-Za-z0-9_])", RegexOptions.CultureInvariant);

    private static bool Update => Environment.GetEnvironmentVariable("UPDATE_VERSION1_BASELINE") == "1";

    /// <summary>The files the version 1 variants are made from, in the baseline's order (which is the variants' input).</summary>
    public static IReadOnlyList<string> SeedFiles()
    {
        var seeds = new List<string>();
        foreach (var line in SeedLines())
        {
            var parts = line.Substring(SeedPrefix.Length).Split(' ');
            var path = Path.Combine(new[] { SeedDirectory }.Concat(parts[0].Split('/')).ToArray());
            Assert.That(File.Exists(path) && ContentDigest(path) == parts[1], Is.True,
                $"Version1/seeds/{parts[0]}, a file the version 1 variants are made from, is missing or changed: restore it (the baseline pins what the version 1 compiler made of its variants)");
            seeds.Add(path);
        }

        return seeds;
    }

    private static string[] SeedLines() => File.ReadLines(BaselinePath).Where(l => l.StartsWith(SeedPrefix, StringComparison.Ordinal)).ToArray();

    /// <summary>
    /// The texts the tests knew when version 1 was the language: every <c>.expirables</c> file of the
    /// repository and every string a <c>[TestCase]</c> of this project starts with, by the digest of
    /// the text; a text that is no longer there is not compared. A version 1 text whose test file
    /// had to change (an expected EXP0001 message that now lists 'key' and 'state') is kept as it was
    /// in <c>Version1/texts/</c>, so that it is still compared.
    /// </summary>
    public static IEnumerable<string> CaseTexts()
    {
        var files = Directory.GetFiles(Repository.Root, "*.expirables", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "seeds" || part.StartsWith('.')))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => SourceFile.Load(f))
            .Where(source => source.DecodingError is null)
            .Select(source => source.Text);
        var testCases = typeof(Version1Baseline).Assembly.GetTypes()
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes(typeof(TestCaseAttribute), inherit: false).Cast<TestCaseAttribute>())
            .Select(a => a.Arguments.Length > 0 ? a.Arguments[0] as string : null)
            .OfType<string>();
        return files.Concat(testCases).Distinct(StringComparer.Ordinal);
    }

    /// <summary>The outcome of one text compiled as <c>case.expirables</c> without options.</summary>
    public static string CaseOutcome(string text)
    {
        var source = new SourceFile("case.expirables", text);
        return Outcome(ExpirablesCompiler.Check(source), ExpirablesCompiler.Compile(source), ExpirablesFormatter.Format(source));
    }

    /// <summary>Compares the outcomes of the version 1 texts with the baseline (or rewrites it).</summary>
    public static void AssertSameCaseOutcomes()
    {
        var path = TestData.PathOf("Version1", "case-outcomes.txt");
        if (Update)
        {
            var lines = new List<string>
            {
                "# What the version 1 compiler made of the texts of the tests (see Version1Baseline.cs): digest of the text, digest of its outcome.",
            };
            lines.AddRange(CaseTexts().Select(t => TextDigest(t) + " " + CaseOutcome(t)));
            File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        }

        var expected = File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var compared = 0;
        var differing = new List<string>();
        foreach (var text in CaseTexts())
        {
            if (!expected.TryGetValue(TextDigest(text), out var outcome))
            {
                continue;
            }

            compared++;
            if (CaseOutcome(text) != outcome)
            {
                differing.Add(text);
            }
        }

        TestContext.Out.WriteLine($"version 1 texts: {compared} of {expected.Count} still in the tests compared, {differing.Count} differ, each containing 'key', 'state' or 'required'");
        Assert.That(compared, Is.GreaterThan(expected.Count / 2), "most version 1 texts are still in the tests");
        Assert.That(differing.Where(t => !Version2Word.IsMatch(t)), Is.Empty, "texts whose outcome differs from the version 1 compiler's without a version 2 word in them");
    }

    /// <summary>The outcome of one variant, as a short digest.</summary>
    public static string Outcome(IReadOnlyList<Diagnostic> check, CompilationResult compiled, FormattingResult format)
    {
        var text = new StringBuilder();
        foreach (var d in check)
        {
            text.Append(d.Code).Append(' ').Append(d.Severity).Append(' ').Append(d.Line).Append(',').Append(d.Column)
                .Append('-').Append(d.EndLine).Append(',').Append(d.EndColumn).Append(' ').Append(WithoutVersion2Options(d.Message)).Append('\n');
        }

        text.Append("code:").Append(compiled.GeneratedCode?.Replace($"\"{ExpirablesCompiler.Version}\"", "\"{compiler-version}\"", StringComparison.Ordinal) ?? "none").Append('\n');
        text.Append("format:").Append(format.FormattedText ?? "none").Append('\n');
        foreach (var d in format.Diagnostics)
        {
            text.Append(d.Code).Append(' ').Append(d.Line).Append(',').Append(d.Column).Append('\n');
        }

        return Digest(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Compares the outcomes of the version 1 variants with the baseline (or rewrites it).</summary>
    public static void AssertSameOutcomes(IReadOnlyList<string> outcomes, Func<int, string> variant)
    {
        if (Update)
        {
            var lines = new List<string>
            {
                "# What the version 1 compiler made of the version 1 variants of MutationFuzzTests (see Version1Baseline.cs).",
                "# The files the variants are made from, with the digest of their contents; then one outcome digest per variant, in order.",
            };
            lines.AddRange(SeedLines());
            lines.AddRange(outcomes);
            File.WriteAllText(BaselinePath, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        }

        var expected = File.ReadLines(BaselinePath).Where(l => l.Length > 0 && l[0] != '#' && !l.StartsWith(SeedPrefix, StringComparison.Ordinal)).ToArray();
        Assert.That(expected, Has.Length.EqualTo(outcomes.Count), "one outcome per version 1 variant");

        var differing = Enumerable.Range(0, outcomes.Count).Where(i => outcomes[i] != expected[i]).ToList();
        var unexplained = differing.Where(i => !Version2Word.IsMatch(variant(i))).ToList();
        TestContext.Out.WriteLine($"version 1 variants: {outcomes.Count - differing.Count} of {outcomes.Count} with the version 1 outcome; "
            + $"{differing.Count} differ, each containing 'key', 'state' or 'required': {string.Join(", ", differing.Take(50))}{(differing.Count > 50 ? ", ..." : string.Empty)}");
        Assert.That(unexplained, Is.Empty, () => "variants whose outcome differs from the version 1 compiler's without a version 2 word in them:\n"
            + string.Join("\n\n", unexplained.Take(3).Select(i => $"variant {i}:\n{variant(i)}")));
    }

    // The options that version 2 adds, as an EXP0001 message lists them after 'timeout'.
    private static string WithoutVersion2Options(string message) =>
        message.Replace("'timeout', 'key', 'state'", "'timeout'", StringComparison.Ordinal);

    private static string ContentDigest(string path) => Digest(File.ReadAllBytes(path));

    private static string TextDigest(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8).ToLowerInvariant();

    private static string Digest(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes), 0, 4).ToLowerInvariant();
}
