using System;
using System.IO;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Emit;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ExpirableStore.MSBuild
{
    /// <summary>
    /// Compiles <c>.expirables</c> files into C# with the compiler library, in process.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each source item names its generated file (<c>OutputFile</c> metadata, set by
    /// <see cref="ResolveExpirablesOutputs"/>) and, optionally, a stamp file (<c>StampFile</c>). The
    /// generated file is written only when its text changes, so an edit that does not change the
    /// generated C# (a comment, a blank line) does not make <c>CoreCompile</c> run again. The stamp
    /// file is touched on every successful generation: it is what the generation target lists as
    /// <c>Outputs</c>, so that such an edit is seen as handled and the next build skips the target.
    /// (Touching the generated file instead would recompile the project; not touching anything
    /// would run the compiler on every later build.)
    /// </para>
    /// <para>
    /// Diagnostics are logged in the canonical form <c>file(line,col): error EXP0104: message</c>.
    /// A file with errors gets no output (its previous output, if any, is left alone so that the
    /// IDE keeps its types); every file is compiled, so one build reports the errors of all files.
    /// </para>
    /// </remarks>
    public sealed class GenerateExpirables : Task
    {
        /// <summary>Metadata: the path of the generated C# file (required).</summary>
        public const string OutputFileMetadata = "OutputFile";

        /// <summary>Metadata: the path of the stamp file touched after a successful generation (optional).</summary>
        public const string StampFileMetadata = "StampFile";

        /// <summary>Metadata: the namespace for a file without a <c>namespace</c> header (optional).</summary>
        public const string NamespaceMetadata = "Namespace";

        /// <summary>Metadata: the class name, overriding the <c>module</c> header and the file name (optional).</summary>
        public const string ClassNameMetadata = "ClassName";

        /// <summary>The <c>.expirables</c> files to compile, with the metadata described on this type.</summary>
        [Required]
        public ITaskItem[] Sources { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The namespace of files that have neither a <c>namespace</c> header nor <c>Namespace</c> metadata; usually <c>$(RootNamespace)</c>.</summary>
        public string? RootNamespace { get; set; }

        /// <summary>Whether to emit <c>#line</c> directives mapping C# errors back to the <c>.expirables</c> file (default true).</summary>
        public bool EmitLineDirectives { get; set; } = true;

        /// <summary>
        /// Whether diagnostics carry their end line and column (default false). MSBuild prints a
        /// diagnostic with an end position as <c>file(3,17,3,23)</c>; without one, as
        /// <c>file(3,17)</c>, the form the C# compiler and <c>expirablesc</c> print.
        /// </summary>
        public bool ReportEndPositions { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            var log = new TaskLog(Log, ReportEndPositions);
            foreach (var source in Sources)
            {
                var sourcePath = source.GetMetadata("FullPath");
                var outputFile = source.GetMetadata(OutputFileMetadata);
                if (outputFile.Length == 0)
                {
                    log.Diagnostic(DiagnosticBuilder.MissingOutputFile(sourcePath, OutputFileMetadata));
                    continue;
                }

                CompileOne(log, source, sourcePath, Path.GetFullPath(outputFile));
            }

            return !log.HasLoggedErrors;
        }

        private void CompileOne(TaskLog log, ITaskItem source, string sourcePath, string outputFile)
        {
            if (!SourceFile.TryLoad(sourcePath, sourcePath, out var file, out var readError))
            {
                log.Diagnostic(readError!);
                return;
            }

            var options = new CompilerOptions
            {
                DefaultNamespace = NullIfEmpty(source.GetMetadata(NamespaceMetadata)) ?? NullIfEmpty(RootNamespace),
                ClassName = NullIfEmpty(source.GetMetadata(ClassNameMetadata)),
                LineDirectivePath = sourcePath,
                EmitLineDirectives = EmitLineDirectives,
            };

            var result = ExpirablesCompiler.Compile(file!, options);
            foreach (var diagnostic in result.Diagnostics)
            {
                log.Diagnostic(diagnostic);
            }

            if (result.GeneratedCode is null)
            {
                return;
            }

            if (!GeneratedFile.TryWriteIfChanged(outputFile, result.GeneratedCode, out var written, out var writeError)
                || !TryTouchStamp(source.GetMetadata(StampFileMetadata), out writeError))
            {
                log.Diagnostic(writeError!);
                return;
            }

            log.Generated(sourcePath, outputFile, written);
        }

        private static bool TryTouchStamp(string stampFile, out Diagnostic? error)
        {
            error = null;
            return stampFile.Length == 0 || GeneratedFile.TryTouch(stampFile, out error);
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
