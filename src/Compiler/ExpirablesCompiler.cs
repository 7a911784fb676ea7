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
/// The one pipeline of the language: parse (with error recovery) -> syntax tree -> checks -> C#.
/// The MSBuild task and the CLI are thin shells over these methods.
/// </summary>
public static class ExpirablesCompiler
{
    /// <summary>The compiler's version, as written in the <c>GeneratedCode</c> attribute and in SARIF.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// Compiles one file. Never throws for any input: every problem is a diagnostic. Code is
    /// generated only when there is no error.
    /// </summary>
    public static CompilationResult Compile(SourceFile source, CompilerOptions? options = null)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        options ??= CompilerOptions.Default;
        var outputFileName = GeneratedOutputs.FileNameFor(source.Path);
        if (source.DecodingError is { } unreadable)
        {
            return new CompilationResult(new[] { unreadable }, null, outputFileName);
        }

        try
        {
            var tree = SyntaxTree.Parse(source);
            var (model, checks) = Checker.Check(tree, options);
            var diagnostics = DiagnosticOrder.Sort(tree.Diagnostics.Concat(tree.Cascades.Without(checks)));
            var code = diagnostics.Any(d => d.IsError) ? null : CSharpGenerator.Generate(model, source, options, Version);
            return new CompilationResult(diagnostics, code, outputFileName);
        }
#pragma warning disable CA1031 // The promise is "never throws": a compiler bug becomes a diagnostic, not a crashed build.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new CompilationResult(new[] { InternalError(source, exception) }, null, outputFileName);
        }
    }

    /// <summary>Parses and checks one file without generating code. Never throws for any input.</summary>
    public static IReadOnlyList<Diagnostic> Check(SourceFile source, CompilerOptions? options = null)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        options ??= CompilerOptions.Default;
        if (source.DecodingError is { } unreadable)
        {
            return new[] { unreadable };
        }

        try
        {
            var tree = SyntaxTree.Parse(source);
            var (_, checks) = Checker.Check(tree, options);
            return DiagnosticOrder.Sort(tree.Diagnostics.Concat(tree.Cascades.Without(checks)));
        }
#pragma warning disable CA1031 // See Compile.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new[] { InternalError(source, exception) };
        }
    }

    private static Diagnostic InternalError(SourceFile source, Exception exception) =>
        DiagnosticBuilder.At(source.Path, StartOfFile).InternalError(exception.GetType().Name + ": " + exception.Message);

    // 1,1: the start of the file, where diagnostics about it as a whole are reported.
    internal static readonly TextSpan StartOfFile = new(0, 0, 1, 1, 1, 1);

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
}
