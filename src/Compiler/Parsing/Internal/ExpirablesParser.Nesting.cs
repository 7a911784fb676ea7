// The generated half of this partial class is public (the ANTLR C# target offers nothing else)
// and follows ANTLR naming; these warnings belong to that half.
#pragma warning disable CA1708, CS1591

using Antlr4.Runtime;
using Antlr4.Runtime.Misc;

namespace ExpirableStore.Compiler.Parsing.Internal;

public partial class ExpirablesParser
{
    /// <summary>
    /// Called with each header and declaration of the compilation unit once the parser has left it
    /// (its Stop token set). An override rather than a parse listener: ANTLR's listener loop
    /// allocates an enumerator per rule entered and exited.
    /// </summary>
    internal System.Action<Antlr4.Runtime.ParserRuleContext>? TopLevelItemExited { get; set; }

    public override void ExitRule()
    {
        var context = Context;
        base.ExitRule();
        if (TopLevelItemExited is { } exited && context.Parent is CompilationUnitContext)
        {
            exited(context);
        }
    }

    // An error found by a grammar action rather than by the error strategy. The fast SLL stage has
    // no listeners and must give up on any error, so that the recovering stage reports it.
    private void ReportSyntaxError(IToken offending, string message)
    {
        if (ErrorHandler is BailErrorStrategy)
        {
            throw new ParseCanceledException(message);
        }

        NotifyErrorListeners(offending, message, null);
    }

    private void ReportEmptyTypeArguments(IToken open) =>
        ReportSyntaxError(open, "expected a type between '<' and '>'");

    private void ReportDottedModuleName(QualifiedNameContext name)
    {
        var parts = name.identifier();
        if (parts.Length < 2 || name.exception is not null)
        {
            return;
        }

        var namespacePart = string.Join(".", System.Linq.Enumerable.Select(System.Linq.Enumerable.Take(parts, parts.Length - 1), p => p.GetText()));
        ReportSyntaxError(
            name.DOT(0).Symbol,
            $"a module name is one name, and {ExpirablesErrorStrategy.Quote(name.GetText())} has dots: write {ExpirablesErrorStrategy.Quote("namespace " + namespacePart)} and {ExpirablesErrorStrategy.Quote("module " + parts[parts.Length - 1].GetText())}");
    }

    // Generic arguments and tuples nest by recursion in the generated parser; a bound keeps a
    // hostile 'a<a<a<...' from overflowing the stack. No real type comes near it.
    internal const int MaxTypeNesting = 64;

    private int _typeNesting;

    // Whether the current outermost type has already reported going past the limit. Recovery
    // re-enters the over-deep level once per remaining bracket ('((((...' gave one EXP0001 per
    // level, tens of thousands of them): one report per type is enough.
    private bool _nestingLimitReported;

    private static string NestingTooDeepMessage =>
        $"type arguments nested more than {MaxTypeNesting} levels deep";

    private void EnterNesting() => _typeNesting++;

    private void ExitNesting()
    {
        if (--_typeNesting <= 0)
        {
            _nestingLimitReported = false;
        }
    }

    private bool WithinNestingLimit() => _typeNesting <= MaxTypeNesting;

    /// <summary>
    /// True the first time the nesting limit fails within one outermost type: the error strategy
    /// reports that failure and stays silent on the next ones of the same type.
    /// </summary>
    internal bool ShouldReportNestingFailure()
    {
        if (_nestingLimitReported)
        {
            return false;
        }

        _nestingLimitReported = true;
        return true;
    }
}
