using System.Collections.Generic;
using System.Linq;
using ExpirableStore.Compiler.Diagnostics;

namespace ExpirableStore.Compiler;

/// <summary>The outcome of <see cref="ExpirablesCompiler.Compile(SourceFile, CompilerOptions)"/>: diagnostics and, without errors, the C#.</summary>
public sealed class CompilationResult
{
    internal CompilationResult(IReadOnlyList<Diagnostic> diagnostics, string? generatedCode, string outputFileName)
    {
        Diagnostics = diagnostics;
        GeneratedCode = generatedCode;
        OutputFileName = outputFileName;
    }

    /// <summary>Every diagnostic, sorted by line and column.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>True when <see cref="Diagnostics"/> has an error; then there is no code.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The generated C# (LF line ends), or null when <see cref="HasErrors"/>.</summary>
    public string? GeneratedCode { get; }

    /// <summary>The file name to write the code to: <c>&lt;FileNameWithoutExtension&gt;.g.cs</c>, e.g. <c>Tokens.g.cs</c>.</summary>
    public string OutputFileName { get; }
}
