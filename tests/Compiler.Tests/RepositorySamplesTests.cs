using System.Collections.Generic;
using System.IO;
using System.Linq;
using ExpirableStore.Tests.Support;
using NUnit.Framework;

namespace ExpirableStore.Compiler.Tests;

/// <summary>
/// The .expirables files a newcomer meets first (samples/) compile without any diagnostic, except
/// those marked "Wrong on purpose" (demos of `expirablesc check`), which must have errors.
/// </summary>
public sealed class RepositorySamplesTests
{
    public static IEnumerable<TestCaseData> Samples()
    {
        return Directory.GetFiles(Repository.PathOf("samples"), "*.expirables", SearchOption.AllDirectories).OrderBy(f => f, System.StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetName("Sample_" + Path.GetFileNameWithoutExtension(f)));
    }

    [TestCaseSource(nameof(Samples))]
    public void The_sample_compiles_cleanly(string path)
    {
        var source = SourceFile.Load(path);
        var result = ExpirablesCompiler.Compile(source, new CompilerOptions { DefaultNamespace = "Samples" });

        if (source.Text.Contains("Wrong on purpose", System.StringComparison.Ordinal))
        {
            Assert.That(result.HasErrors, Is.True);
            return;
        }

        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.Empty);
        Assert.That(result.GeneratedCode, Is.Not.Null);
    }
}
