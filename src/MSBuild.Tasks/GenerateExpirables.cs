using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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

        /// <summary>
        /// Every <c>Expirables</c> item of the project, with the same metadata; empty: just <see cref="Sources"/>.
        /// On a partial build <see cref="Sources"/> holds only the out-of-date files, and these let the
        /// checks across files (two files generating the same class, EXP0107) see the whole project.
        /// </summary>
        public ITaskItem[] ProjectSources { get; set; } = Array.Empty<ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var log = new TaskLog(Log, ReportEndPositions);
            var stale = new HashSet<string>(Sources.Select(s => s.GetMetadata("FullPath")), StringComparer.Ordinal);
            var project = ProjectSources.Length == 0 ? Sources : ProjectSources;
            var items = new List<(ITaskItem Item, string SourcePath, bool Generate)>();
            var inputs = new List<CompilationInput>();
            foreach (var source in project)
            {
                var sourcePath = source.GetMetadata("FullPath");
                var generate = stale.Contains(sourcePath);
                if (generate && source.GetMetadata(OutputFileMetadata).Length == 0)
                {
                    log.Diagnostic(DiagnosticBuilder.MissingOutputFile(sourcePath, OutputFileMetadata));
                    continue;
                }

                if (!SourceFile.TryLoad(sourcePath, sourcePath, out var file, out var readError))
                {
                    // An up-to-date file that cannot be read now is left to the build that needs it.
                    if (generate)
                    {
                        log.Diagnostic(readError!);
                    }

                    continue;
                }

                items.Add((source, sourcePath, generate));
                inputs.Add(new CompilationInput(file!, OptionsFor(source, sourcePath), generate));
            }

            var results = ExpirablesCompiler.Compile(inputs);
            for (var i = 0; i < results.Count; i++)
            {
                var (item, sourcePath, generate) = items[i];
                var result = results[i];
                foreach (var diagnostic in result.Diagnostics)
                {
                    log.Diagnostic(diagnostic);
                }

                var stampFile = item.GetMetadata(StampFileMetadata);
                if (result.HasErrors)
                {
                    // Never up to date while it has errors, also when only the project's other files changed.
                    DeleteStamp(stampFile);

                    continue;
                }

                if (generate && result.GeneratedCode is not null)
                {
                    WriteOutput(log, sourcePath, Path.GetFullPath(item.GetMetadata(OutputFileMetadata)), stampFile, result.GeneratedCode);
                }
            }

            return !log.HasLoggedErrors;
        }

        private void DeleteStamp(string stampFile)
        {
            try
            {
                if (stampFile.Length != 0 && File.Exists(stampFile))
                {
                    File.Delete(stampFile);
                }
            }
            catch (Exception exception) when (FileSystemErrors.IsFileSystemError(exception))
            {
                Log.LogWarning("ExpirableStore: cannot delete '{0}' ({1}): the next build may take the file for up to date", stampFile, exception.Message);
            }
        }

        private CompilerOptions OptionsFor(ITaskItem source, string sourcePath) => new()
        {
            DefaultNamespace = NullIfEmpty(source.GetMetadata(NamespaceMetadata)) ?? NullIfEmpty(RootNamespace),
            ClassName = NullIfEmpty(source.GetMetadata(ClassNameMetadata)),
            LineDirectivePath = sourcePath,
            EmitLineDirectives = EmitLineDirectives,
        };

        private static void WriteOutput(TaskLog log, string sourcePath, string outputFile, string stampFile, string code)
        {
            if (!GeneratedFile.TryWriteIfChanged(outputFile, code, out var written, out var writeError)
                || !TryTouchStamp(stampFile, out writeError))
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
