using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Formatting;

namespace ExpirableStore.Benchmarks;

/// <summary>
/// The compiler on one file of 10,000 expirables: <see cref="Compile"/> (parse, check, generate:
/// what a build does; goal under 250 ms), <see cref="Check"/> (what <c>expirablesc check</c> does)
/// and <see cref="Format"/>. The "Alloc/expirable" column divides the allocated bytes of one
/// operation by the number of expirables.
/// Run: <c>dotnet run -c Release --project tests/Benchmarks -- --filter '*Compiler*' --job short</c>.
/// (Out of process, BenchmarkDotNet rebuilds the compiler with an absolute IntermediateOutputPath;
/// build/Antlr.targets corrects the wrong path Antlr4BuildTasks 8.13 makes of it.)
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[Config(typeof(PerExpirableConfig))]
public class CompilerBenchmarks
{
    /// <summary>How many expirables the generated file declares.</summary>
    public const int Expirables = 10_000;

    private SourceFile _source = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source = new SourceFile("LargeModule.expirables", CompilerBenchmarkData.Generate(Expirables));

        // Measuring a file that fails would measure the error path, not compilation.
        var result = ExpirablesCompiler.Compile(_source);
        if (result.HasErrors || result.Diagnostics.Count > 0)
        {
            throw new InvalidOperationException("The benchmark file has diagnostics: " + string.Join("; ", result.Diagnostics.Take(3)));
        }

        var definitions = result.GeneratedCode!.Split("new global::ExpirableStore.ExpirableDefinition(").Length - 1;
        if (definitions != Expirables)
        {
            throw new InvalidOperationException($"Expected {Expirables} definitions in the generated code, found {definitions}.");
        }
    }

    /// <summary>Parse, check and generate C#.</summary>
    [Benchmark(Baseline = true)]
    public string? Compile() => ExpirablesCompiler.Compile(_source).GeneratedCode;

    /// <summary>Parse and check only.</summary>
    [Benchmark]
    public int Check() => ExpirablesCompiler.Check(_source).Count;

    /// <summary>Rewrite in canonical layout (parses twice: once to format, once to verify).</summary>
    [Benchmark]
    public string? Format() => ExpirablesFormatter.Format(_source).FormattedText;

    private sealed class PerExpirableConfig : ManualConfig
    {
        public PerExpirableConfig() => AddColumn(new AllocatedPerExpirableColumn());
    }

    private sealed class AllocatedPerExpirableColumn : IColumn
    {
        public string Id => nameof(AllocatedPerExpirableColumn);

        public string ColumnName => "Alloc/expirable";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Metric;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Size;

        public string Legend => "Allocated bytes per operation divided by the number of expirables in the file";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var bytes = summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return bytes is null ? "?" : (bytes.Value / (double)Expirables).ToString("N0", CultureInfo.InvariantCulture) + " B";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
