using System.Collections.Generic;
using System.IO;
using Antlr4.Runtime;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Parsing.Internal;

/// <summary>Turns every error the parser reports into an EXP0001 at the offending token; never throws.</summary>
internal sealed class SyntaxErrorCollector : BaseErrorListener
{
    private readonly string _filePath;
    private readonly LineMap _lines;

    public SyntaxErrorCollector(string filePath, LineMap lines)
    {
        _filePath = filePath;
        _lines = lines;
    }

    public List<Diagnostic> Diagnostics { get; } = new();

    /// <summary>The token index of each error's offending token, in report order.</summary>
    public List<int> OffendingTokenIndexes { get; } = new();

    public override void SyntaxError(
        TextWriter output,
        IRecognizer recognizer,
        IToken offendingSymbol,
        int line,
        int charPositionInLine,
        string msg,
        RecognitionException e)
    {
        var span = offendingSymbol is null ? _lines.EndOfText : _lines.Span(offendingSymbol);
        Diagnostics.Add(DiagnosticBuilder.At(_filePath, span).SyntaxError(msg));
        OffendingTokenIndexes.Add(offendingSymbol?.TokenIndex ?? -1);
    }
}
