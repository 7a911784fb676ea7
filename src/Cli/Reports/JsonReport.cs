using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Cli.Reports;

/// <summary>
/// <c>--format json</c>: <c>{"files": N, "diagnostics": [{"file", "line", "column", "endLine",
/// "endColumn", "code", "severity", "message"}]}</c>, for scripts.
/// </summary>
internal static class JsonReport
{
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // The output is read by tools, not embedded in HTML: keep quotes and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter output, int fileCount, IReadOnlyList<Diagnostic> diagnostics, bool warningsAsErrors)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("files", fileCount);
            json.WriteStartArray("diagnostics");
            foreach (var diagnostic in diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("file", diagnostic.FilePath);
                json.WriteNumber("line", diagnostic.Line);
                json.WriteNumber("column", diagnostic.Column);
                json.WriteNumber("endLine", diagnostic.EndLine);
                json.WriteNumber("endColumn", diagnostic.EndColumn);
                json.WriteString("code", diagnostic.Code);
                json.WriteString("severity", DiagnosticFormatter.SeverityWord(DiagnosticFormatter.EffectiveSeverity(diagnostic, warningsAsErrors)));
                json.WriteString("message", diagnostic.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
    }
}
