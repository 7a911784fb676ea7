using System.Collections.Generic;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Parsing.Internal;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler.Parsing;

/// <summary>
/// Reads a file into a <see cref="SyntaxTree"/>: the ANTLR lexer, the lexical diagnostics
/// (EXP0002), then the parser in two stages, reporting every syntax error (EXP0001).
/// </summary>
internal static class SourceParser
{
    public static SyntaxTree Parse(SourceFile source)
    {
        var text = source.Text;
        var lines = new LineMap(text);

        // AntlrInputStream indexes UTF-16 code units, like string offsets and our columns
        // (CharStreams.fromString would index code points).
        var lexer = new ExpirablesLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokenStream = new PresizedTokenStream(lexer, text.Length);
        tokenStream.Fill();
        var tokens = tokenStream.GetTokens();

        var diagnostics = new List<Diagnostic>();
        var accountedFor = new List<(int Start, int End)>();
        LexicalDiagnostics.Add(source, lines, tokens, diagnostics, accountedFor);
        var cascades = new LexicalCascades(accountedFor);

        // Two-stage parsing, the standard ANTLR speed-up: first the cheaper SLL prediction with no
        // recovery at all, which succeeds on any syntactically valid file (and then builds the same
        // tree as full LL: the grammar is unambiguous). Only when it fails is the file parsed again
        // with full LL and our recovering strategy, which reports every syntax error.
        var items = TryParseFast(source, lines, tokens, tokenStream);
        if (items is null)
        {
            tokenStream.Seek(0);
            var parser = new ExpirablesParser(tokenStream)
            {
                ErrorHandler = new ExpirablesErrorStrategy(),
                BuildParseTree = true,
            };
            parser.RemoveErrorListeners();
            var collector = new SyntaxErrorCollector(source.Path, lines);
            parser.AddErrorListener(collector);
            var unit = parser.compilationUnit();
            diagnostics.AddRange(cascades.Without(collector.Diagnostics));
            items = new SyntaxTreeBuilder(source, lines, tokens, collector.OffendingTokenIndexes).BuildItems(unit);
        }

        return new SyntaxTree(source, items, DiagnosticOrder.Sort(diagnostics), tokens as IReadOnlyList<IToken> ?? new List<IToken>(tokens), lines, cascades);
    }

    // The items of a file without syntax errors, or null when SLL parsing failed. Each header and
    // declaration is turned into syntax as soon as the parser leaves it and then detached from the
    // parse tree: the tree's nodes die young instead of all living (and being copied by the GC)
    // until the whole file is parsed. On a file with errors the items are thrown away.
    private static List<TopLevelItem>? TryParseFast(SourceFile source, LineMap lines, IList<IToken> tokens, CommonTokenStream tokenStream)
    {
        var builder = new SyntaxTreeBuilder(source, lines, tokens, new List<int>());
        var items = new List<TopLevelItem>();
        var parser = new ExpirablesParser(tokenStream)
        {
            ErrorHandler = new BailErrorStrategy(),
            BuildParseTree = true,
            TopLevelItemExited = context =>
            {
                builder.AddItem(items, context);
                var children = ((ParserRuleContext)context.Parent).children;
                if (children is not null && children.Count > 0 && ReferenceEquals(children[children.Count - 1], context))
                {
                    children.RemoveAt(children.Count - 1);
                }
            },
        };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        try
        {
            parser.compilationUnit();
            return items;
        }
        catch (ParseCanceledException)
        {
            return null;
        }
    }
}
