using System.IO;
using System.Linq;
using System.Text;
using ExpirableStore.Cli.Tests.Support;
using ExpirableStore.Compiler;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Cli.Tests;

/// <summary>
/// Every command reads a file the same way: UTF-8 with or without a byte-order mark, and UTF-16 or
/// UTF-32 with one; a file that is not text in such an encoding (invalid UTF-8, or NUL bytes as in
/// UTF-16 without a byte-order mark) is one EXP0005 error for check, generate and format alike.
/// </summary>
public sealed class EncodingTests
{
    private const string Unformatted = "namespace Acme // café\nexpirable a<fetch S.A;scope local>\n";
    private const string Formatted = "namespace Acme // café\n\nexpirable a <\n    fetch S.A\n    scope local\n>\n";

    public static readonly object[] Encodings =
    {
        new object[] { "utf-8", new UTF8Encoding(false) },
        new object[] { "utf-8 with BOM", new UTF8Encoding(true) },
        new object[] { "utf-16 LE with BOM", new UnicodeEncoding(bigEndian: false, byteOrderMark: true) },
        new object[] { "utf-16 BE with BOM", new UnicodeEncoding(bigEndian: true, byteOrderMark: true) },
        new object[] { "utf-32 LE with BOM", new UTF32Encoding(bigEndian: false, byteOrderMark: true) },
    };

    [TestCaseSource(nameof(Encodings))]
    public void Check_generate_and_format_read_the_file_alike_and_format_keeps_its_encoding(string name, Encoding encoding)
    {
        using var temp = new TempDirectory();
        var file = temp.WriteBytes("tokens.expirables", Bytes(encoding, Unformatted));

        var check = Expirablesc.Run(temp.Path, "check", "tokens.expirables");
        var generate = Expirablesc.Run(temp.Path, "generate", "tokens.expirables", "-o", "out");
        var format = Expirablesc.Run(temp.Path, "format", "tokens.expirables");
        var again = Expirablesc.Run(temp.Path, "format", "--check", "tokens.expirables");

        Assert.That((check.ExitCode, check.Output), Is.EqualTo((ExitCodes.Success, string.Empty)), check.ToString());
        Assert.That(generate.ExitCode, Is.EqualTo(ExitCodes.Success), generate.ToString());
        var expected = ExpirablesCompiler.Compile(new SourceFile("tokens.expirables", Unformatted), new CompilerOptions { LineDirectivePath = file }).GeneratedCode;
        Assert.That(File.ReadAllText(temp.PathOf("out/tokens.g.cs")), Is.EqualTo(expected), "the same C# whatever the encoding");
        Assert.That((format.ExitCode, format.OutputLines), Is.EqualTo((ExitCodes.Success, new[] { "tokens.expirables" })), format.ToString());
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(Bytes(encoding, Formatted)), $"rewritten in {name}, byte-order mark as it was");
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.ToString());
    }

    [TestCase("utf-16 LE without BOM", false)]
    [TestCase("utf-16 BE without BOM", true)]
    public void UTF16_without_a_byte_order_mark_is_one_encoding_error_for_every_command(string name, bool bigEndian)
    {
        var bytes = new UnicodeEncoding(bigEndian, byteOrderMark: false).GetBytes(Unformatted);
        AssertOneEncodingError(bytes, "tokens.expirables(1,1): error EXP0005: ", name);
    }

    [Test]
    public void A_byte_that_is_not_UTF8_in_a_comment_is_one_encoding_error_at_its_place_for_every_command()
    {
        // 'café' in Latin-1: the 0xE9 is on line 1, column 22.
        var bytes = Encoding.Latin1.GetBytes(Unformatted);
        AssertOneEncodingError(bytes, "tokens.expirables(1,22): error EXP0005: ", "latin-1");
    }

    [Test]
    public void A_byte_that_is_not_UTF8_outside_comments_is_the_same_encoding_error()
    {
        var bytes = Encoding.Latin1.GetBytes("expirable caf\u00e9 < fetch S.A >\n");
        AssertOneEncodingError(bytes, "tokens.expirables(1,14): error EXP0005: ", "latin-1 name");
    }

    private static void AssertOneEncodingError(byte[] bytes, string expectedStart, string name)
    {
        using var temp = new TempDirectory();
        var file = temp.WriteBytes("tokens.expirables", bytes);

        var check = Expirablesc.Run(temp.Path, "check", "tokens.expirables");
        var generate = Expirablesc.Run(temp.Path, "generate", "tokens.expirables", "-o", "out");
        var format = Expirablesc.Run(temp.Path, "format", "tokens.expirables");

        foreach (var run in new[] { check, generate, format })
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), name + "\n" + run);
            Assert.That(run.OutputLines, Has.Length.EqualTo(1), name + "\n" + run);
            Assert.That(run.OutputLines[0], Does.StartWith(expectedStart), name + "\n" + run);
        }

        Assert.That(check.OutputLines, Is.EqualTo(generate.OutputLines).And.EqualTo(format.OutputLines), "the same diagnostic from every command");
        Assert.That(Directory.Exists(temp.PathOf("out")) ? Directory.GetFiles(temp.PathOf("out")) : System.Array.Empty<string>(), Is.Empty, "nothing generated");
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), "the file is left as it was");
    }

    private static byte[] Bytes(Encoding encoding, string text) => encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
}
