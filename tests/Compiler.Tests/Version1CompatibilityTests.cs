using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// Every version 1 file keeps its meaning: the texts the tests knew when version 1 was the language
/// have the outcomes the version 1 compiler gave them (<see cref="Version1Baseline"/>).
/// </summary>
public sealed class Version1CompatibilityTests
{
    [Test]
    public void Every_version_1_text_of_the_tests_has_the_outcome_the_version_1_compiler_gave_it() =>
        Version1Baseline.AssertSameCaseOutcomes();
}
