namespace ExpirableStore.Compiler;

/// <summary>One file of a project for <see cref="ExpirablesCompiler.Compile(System.Collections.Generic.IReadOnlyList{CompilationInput})"/>.</summary>
public sealed class CompilationInput
{
    /// <param name="source">The file.</param>
    /// <param name="options">What the host decides for it; null for the defaults.</param>
    /// <param name="generate">
    /// False for a file that is only part of the project (the MSBuild task's up-to-date files): it
    /// is read for the checks across files, and its result carries only what those report.
    /// </param>
    public CompilationInput(SourceFile source, CompilerOptions? options = null, bool generate = true)
    {
        Source = source ?? throw new System.ArgumentNullException(nameof(source));
        Options = options ?? CompilerOptions.Default;
        Generate = generate;
    }

    /// <summary>The file.</summary>
    public SourceFile Source { get; }

    /// <summary>What the host decides for it.</summary>
    public CompilerOptions Options { get; }

    /// <summary>Whether the file is compiled (diagnostics and code), or only read for the checks across files.</summary>
    public bool Generate { get; }
}
