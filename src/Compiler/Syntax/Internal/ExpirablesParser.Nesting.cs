// The generated half of this partial class is public (the ANTLR C# target offers nothing else)
// and follows ANTLR naming; these warnings belong to that half.
#pragma warning disable CA1708, CS1591

namespace ExpirableStore.Compiler.Syntax.Internal;

public partial class ExpirablesParser
{
    // Generic arguments and tuples nest by recursion in the generated parser; a bound keeps a
    // hostile 'a<a<a<...' from overflowing the stack. No real type comes near it.
    internal const int MaxTypeNesting = 64;

    private int _typeNesting;

    private static string NestingTooDeepMessage =>
        $"type arguments nested more than {MaxTypeNesting} levels deep";

    private void EnterNesting() => _typeNesting++;

    private void ExitNesting() => _typeNesting--;

    private bool WithinNestingLimit() => _typeNesting <= MaxTypeNesting;
}
