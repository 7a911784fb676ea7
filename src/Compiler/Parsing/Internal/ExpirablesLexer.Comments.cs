// The generated half of this partial class is public (the ANTLR C# target offers nothing else)
// and follows ANTLR naming; these warnings belong to that half.
#pragma warning disable CA1708, CS1591

using Antlr4.Runtime;

namespace ExpirableStore.Compiler.Parsing.Internal;

public partial class ExpirablesLexer
{
    // Called by the BLOCK_COMMENT rule once '(*' is matched. A loop with a depth counter instead of
    // a recursive lexer rule: nesting depth costs no stack. Characters are consumed through the
    // interpreter so that ANTLR's own line and column bookkeeping stays right.
    private void ScanNestedCommentBody()
    {
        var depth = 1;
        var input = (ICharStream)InputStream;
        while (true)
        {
            var c = input.LA(1);
            if (c == IntStreamConstants.EOF)
            {
                Type = UNTERMINATED_COMMENT;
                return;
            }

            var next = input.LA(2);
            if (c == '(' && next == '*')
            {
                Interpreter.Consume(input);
                Interpreter.Consume(input);
                depth++;
            }
            else if (c == '*' && next == ')')
            {
                Interpreter.Consume(input);
                Interpreter.Consume(input);
                if (--depth == 0)
                {
                    return;
                }
            }
            else
            {
                Interpreter.Consume(input);
            }
        }
    }
}
