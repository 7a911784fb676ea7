using System.Collections.Generic;
using System.Linq;
using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;

namespace ExpirableStore.Compiler.Parsing.Internal;

/// <summary>
/// ANTLR's default recovery (single-token insertion and deletion, then resynchronisation on the
/// follow set) with messages in plain words: "expected 'fetch', 'scope' or '&gt;' but found 'foo'".
/// </summary>
internal sealed class ExpirablesErrorStrategy : DefaultErrorStrategy
{
    private const int MaxQuotedLength = 40;

    protected override void ReportNoViableAlternative(Parser recognizer, NoViableAltException e)
    {
        recognizer.NotifyErrorListeners(e.OffendingToken, Expected(e.GetExpectedTokens(), e.OffendingToken), e);
    }

    protected override void ReportInputMismatch(Parser recognizer, InputMismatchException e)
    {
        recognizer.NotifyErrorListeners(e.OffendingToken, Expected(e.GetExpectedTokens(), e.OffendingToken), e);
    }

    protected override void ReportFailedPredicate(Parser recognizer, FailedPredicateException e)
    {
        // The only predicates are the nesting limits of typeArgumentList and tupleType.
        if (recognizer is ExpirablesParser parser && !parser.ShouldReportNestingFailure())
        {
            return;
        }

        recognizer.NotifyErrorListeners(e.OffendingToken, e.Message ?? "unexpected input", e);
    }

    // Past the nesting limit, the rest of the over-deep type is skipped as one piece: up to the
    // bracket that closes the level the limit stopped, or to the first token that cannot be part of
    // a type. Recovering level by level instead would re-enter the over-deep level once per
    // remaining bracket, each time with an exception: seconds for '(int, ' repeated 100,000 times.
    public override void Recover(Parser recognizer, RecognitionException e)
    {
        if (e is FailedPredicateException && recognizer is ExpirablesParser)
        {
            SkipOverDeepType(recognizer);
            return;
        }

        base.Recover(recognizer, e);
    }

    private static void SkipOverDeepType(Parser recognizer)
    {
        // The predicate runs just after the opening bracket of the over-deep level was matched.
        var depth = 1;
        while (depth > 0)
        {
            var type = recognizer.InputStream.LA(1);
            switch (type)
            {
                case ExpirablesLexer.LT:
                case ExpirablesLexer.LPAREN:
                case ExpirablesLexer.LBRACKET:
                    depth++;
                    break;
                case ExpirablesLexer.GT:
                case ExpirablesLexer.RPAREN:
                case ExpirablesLexer.RBRACKET:
                    depth--;
                    break;
                case ExpirablesLexer.IDENTIFIER:
                case ExpirablesLexer.ESCAPED_IDENTIFIER:
                case ExpirablesLexer.KEY:
                case ExpirablesLexer.STATE:
                case ExpirablesLexer.REQUIRED:
                case ExpirablesLexer.COMMA:
                case ExpirablesLexer.DOT:
                case ExpirablesLexer.QUESTION:
                    break;
                default:
                    // Not part of a type (EOF included): leave it to the enclosing rules.
                    return;
            }

            recognizer.Consume();
        }
    }

    // At the entry of a loop ('(header | declaration)*', '(option ';'?)*') ANTLR recovers from junk
    // only by deleting one token: two junk tokens throw, and the rule's recovery then skips to what
    // follows the whole rule (for the compilation unit: the end of the file, hiding every later
    // mistake). Recover as ANTLR does at the loop's later iterations instead: report the junk once
    // and skip to the next token that can start an iteration or follow the loop.
    public override void Sync(Parser recognizer)
    {
        var state = recognizer.Interpreter.atn.states[recognizer.State];
        if (state.StateType != StateType.StarLoopEntry || InErrorRecoveryMode(recognizer))
        {
            base.Sync(recognizer);
            return;
        }

        var next = recognizer.Atn.NextTokens(state);
        if (next.Contains(recognizer.InputStream.LA(1)) || next.Contains(TokenConstants.EPSILON))
        {
            base.Sync(recognizer);
            return;
        }

        if (SingleTokenDeletion(recognizer) is not null)
        {
            return;
        }

        ReportUnwantedToken(recognizer);
        ConsumeUntil(recognizer, recognizer.GetExpectedTokens().Or(GetErrorRecoverySet(recognizer)));
    }

    protected override void ReportUnwantedToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        var token = recognizer.CurrentToken;
        recognizer.NotifyErrorListeners(token, Expected(GetExpectedTokens(recognizer), token), null);
    }

    protected override void ReportMissingToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }

        BeginErrorCondition(recognizer);
        var token = recognizer.CurrentToken;
        recognizer.NotifyErrorListeners(token, Expected(GetExpectedTokens(recognizer), token), null);
    }

    // Single-token deletion would drop a keyword that starts a header or a declaration when the
    // token after it happens to fit ('namespace A.' + 'expirable a' reads as 'A.a'); resynchronising
    // on that keyword instead keeps the next item intact.
    protected override IToken? SingleTokenDeletion(Parser recognizer)
    {
        return IsItemStart(recognizer.InputStream.LA(1)) ? null : base.SingleTokenDeletion(recognizer);
    }

    private static bool IsItemStart(int type) =>
        type is ExpirablesLexer.EXPIRABLE or ExpirablesLexer.NAMESPACE or ExpirablesLexer.MODULE or ExpirablesLexer.OPEN;

    internal static string Expected(IntervalSet? expected, IToken? found)
    {
        var words = new List<string>();
        if (expected is not null)
        {
            // Where a name may come, the contextual keywords are names too (the rule 'identifier'
            // brings the escaped names with them); elsewhere 'key' and 'state' start options, and
            // 'required' is never what must come (it only ever may follow a state's type).
            var nameExpected = expected.Contains(ExpirablesLexer.ESCAPED_IDENTIFIER);
            var types = expected.ToList()
                .Where(t => nameExpected || t != ExpirablesLexer.REQUIRED)
                .Select(t => nameExpected && Syntax.NameTokens.IsContextualKeyword(t) ? ExpirablesLexer.IDENTIFIER : t);
            foreach (var type in types.OrderBy(Rank))
            {
                var word = Describe(type);
                if (!words.Contains(word))
                {
                    words.Add(word);
                }
            }
        }

        var builder = new StringBuilder("expected ");
        if (words.Count == 0)
        {
            builder.Append("something else");
        }

        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(i == words.Count - 1 ? " or " : ", ");
            }

            builder.Append(words[i]);
        }

        builder.Append(" but found ").Append(DescribeFound(found));
        return builder.ToString();
    }

    internal static string DescribeFound(IToken? token)
    {
        if (token is null || token.Type == TokenConstants.EOF)
        {
            return "end of file";
        }

        return Quote(token.Text ?? string.Empty);
    }

    internal static string Quote(string text)
    {
        if (text.Length > MaxQuotedLength)
        {
            text = text.Substring(0, MaxQuotedLength) + "...";
        }

        return "'" + text + "'";
    }

    // Names and literals read better after the keywords and punctuation they usually follow.
    private static int Rank(int type) => type switch
    {
        ExpirablesLexer.IDENTIFIER or ExpirablesLexer.ESCAPED_IDENTIFIER or ExpirablesLexer.GLOBAL_ALIAS => 1000,
        ExpirablesLexer.DURATION => 1001,
        ExpirablesLexer.GT => 500,
        TokenConstants.EOF => 2000,
        _ => type,
    };

    private static string Describe(int type)
    {
        switch (type)
        {
            case TokenConstants.EOF:
                return "end of file";
            case ExpirablesLexer.IDENTIFIER:
            case ExpirablesLexer.ESCAPED_IDENTIFIER:
            case ExpirablesLexer.GLOBAL_ALIAS: // the optional start of a name: 'global::System.Uri'
                return "a name";
            case ExpirablesLexer.DURATION:
                return "a duration such as 30s";
            default:
                var literal = ExpirablesLexer.DefaultVocabulary.GetLiteralName(type);
                return literal ?? ExpirablesLexer.DefaultVocabulary.GetDisplayName(type);
        }
    }
}
