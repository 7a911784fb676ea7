using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Emit;
using ExpirableStore.Compiler.Semantics;
using ExpirableStore.Compiler.Syntax;

namespace ExpirableStore.Compiler;

/// <summary>
/// The one pipeline of the language: parse (with error recovery) -> syntax tree -> checks (the
/// file's, then those across the files compiled together) -> C#. The MSBuild task and the CLI are
/// thin shells over these methods. None of them throws for any input: every problem is a
/// diagnostic, and code is generated only for a file without errors.
/// </summary>
public static class ExpirablesCompiler
{
    /// <summary>The compiler's version, as written in the <c>GeneratedCode</c> attribute and in SARIF.</summary>
    public static string Version { get; } = ReadVersion();

    // 1,1: the start of the file, where diagnostics about it as a whole are reported.
    internal static readonly TextSpan StartOfFile = new(0, 0, 1, 1, 1, 1);

    /// <summary>Compiles one file, a project of its own.</summary>
    public static CompilationResult Compile(SourceFile source, CompilerOptions? options = null) =>
        Compile(new[] { new CompilationInput(source ?? throw new ArgumentNullException(nameof(source)), options) })[0];

    /// <summary>Parses and checks one file, a project of its own, without generating code.</summary>
    public static IReadOnlyList<Diagnostic> Check(SourceFile source, CompilerOptions? options = null) =>
        Check(new[] { new CompilationInput(source ?? throw new ArgumentNullException(nameof(source)), options) });

    /// <summary>
    /// Compiles the files of one project, in the order given (which decides which file of two that
    /// clash is reported): one result per input.
    /// </summary>
    public static IReadOnlyList<CompilationResult> Compile(IReadOnlyList<CompilationInput> inputs)
    {
        var files = Analyze(inputs);
        var results = new CompilationResult[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            var (input, file) = (inputs[i], files[i]);
            var outputFileName = GeneratedOutputs.FileNameFor(input.Source.Path);
            var diagnostics = DiagnosticOrder.Sort(input.Generate ? file.Diagnostics.Concat(file.ProjectDiagnostics) : file.ProjectDiagnostics);
            string? code = null;
            if (input.Generate && file.Model is not null && !diagnostics.Any(d => d.IsError))
            {
                try
                {
                    code = CSharpGenerator.Generate(file.Model, input.Source, input.Options, Version);
                }
#pragma warning disable CA1031 // The promise is "never throws": a compiler bug becomes a diagnostic, not a crashed build.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    diagnostics = new[] { InternalError(input.Source, exception) };
                }
            }

            results[i] = new CompilationResult(diagnostics, code, outputFileName);
        }

        return results;
    }

    /// <summary>Parses and checks the files of one project: their diagnostics, file after file, each file's by position.</summary>
    public static IReadOnlyList<Diagnostic> Check(IReadOnlyList<CompilationInput> inputs) =>
        Analyze(inputs).SelectMany(f => DiagnosticOrder.Sort(f.Diagnostics.Concat(f.ProjectDiagnostics))).ToArray();

    private static FileAnalysis[] Analyze(IReadOnlyList<CompilationInput> inputs)
    {
        if (inputs is null)
        {
            throw new ArgumentNullException(nameof(inputs));
        }

        var files = inputs.Select(Analyze).ToArray();
        try
        {
            var project = ProjectChecker.Check(files.Select((f, i) => (inputs[i].Source.Path, f.Model?.Identity)).ToArray());
            for (var i = 0; i < files.Length; i++)
            {
                files[i].ProjectDiagnostics = files[i].Tree?.Cascades.Without(project[i]).ToList() ?? project[i];
            }
        }
#pragma warning disable CA1031 // See Compile.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var (file, input) in files.Zip(inputs, (f, i) => (f, i)))
            {
                file.ProjectDiagnostics = new List<Diagnostic> { InternalError(input.Source, exception) };
            }
        }

        return files;
    }

    private static FileAnalysis Analyze(CompilationInput input)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        var source = input.Source;
        if (source.DecodingError is { } unreadable)
        {
            return new FileAnalysis(new[] { unreadable }, null, null);
        }

        try
        {
            var tree = SyntaxTree.Parse(source);
            var (model, checks) = Checker.Check(tree, input.Options);
            return new FileAnalysis(tree.Diagnostics.Concat(tree.Cascades.Without(checks)).ToArray(), tree, model);
        }
#pragma warning disable CA1031 // See Compile.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new FileAnalysis(new[] { InternalError(source, exception) }, null, null);
        }
    }

    private static Diagnostic InternalError(SourceFile source, Exception exception) =>
        DiagnosticBuilder.At(source.Path, StartOfFile).InternalError(exception.GetType().Name + ": " + exception.Message);

    private static string ReadVersion()
    {
        var assembly = typeof(ExpirablesCompiler).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            var plus = informational!.IndexOf('+');
            return plus < 0 ? informational : informational.Substring(0, plus);
        }

        return assembly.GetName().Version?.ToString() ?? "0.0.0";
    }

    // One file, parsed and checked on its own; the checks across files add ProjectDiagnostics.
    private sealed class FileAnalysis
    {
        public FileAnalysis(IReadOnlyList<Diagnostic> diagnostics, SyntaxTree? tree, ModuleModel? model)
        {
            Diagnostics = diagnostics;
            Tree = tree;
            Model = model;
        }

        public IReadOnlyList<Diagnostic> Diagnostics { get; }

        public SyntaxTree? Tree { get; }

        public ModuleModel? Model { get; }

        public IReadOnlyList<Diagnostic> ProjectDiagnostics { get; set; } = Array.Empty<Diagnostic>();
    }
}
