using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
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
    /// Each source item names its generated file (<c>OutputFile</c> metadata) and, optionally, a
    /// stamp file (<c>StampFile</c>). The generated file is written only when its text changes, so
    /// an edit that does not change the generated C# (a comment, a blank line) does not make
    /// <c>CoreCompile</c> run again. The stamp file is touched on every successful generation: it is
    /// what the generation target lists as <c>Outputs</c>, so that such an edit is seen as handled
    /// and the next build skips the target. (Touching the generated file instead would recompile
    /// the project; not touching anything would run the compiler on every later build.)
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

        /// <summary>Metadata on each returned item: the <c>.expirables</c> file it was generated from.</summary>
        public const string SourceMetadata = "Source";

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

        /// <summary>The generated files (written, or already up to date), each with <c>Source</c> metadata.</summary>
        [Output]
        public ITaskItem[] GeneratedFiles { get; private set; } = Array.Empty<ITaskItem>();

        /// <summary>The generated files whose content changed in this run (a subset of <see cref="GeneratedFiles"/>).</summary>
        [Output]
        public ITaskItem[] WrittenFiles { get; private set; } = Array.Empty<ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var generated = new List<ITaskItem>();
            var written = new List<ITaskItem>();
            var outputOwners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

            foreach (var source in Sources)
            {
                var sourcePath = source.GetMetadata("FullPath");
                var outputFile = source.GetMetadata(OutputFileMetadata);
                if (outputFile.Length == 0)
                {
                    Log.LogError(null, "EXP0901", null, sourcePath, 0, 0, 0, 0,
                        "The Expirables item has no '{0}' metadata: the build integration was customized incorrectly.", OutputFileMetadata);
                    continue;
                }

                outputFile = Path.GetFullPath(outputFile);
                if (outputOwners.TryGetValue(outputFile, out var owner))
                {
                    Log.LogError(null, "EXP0902", null, sourcePath, 0, 0, 0, 0,
                        "'{0}' and '{1}' would both generate '{2}': give one of them other 'OutputFile' metadata, or rename it.",
                        owner, sourcePath, outputFile);
                    continue;
                }

                outputOwners.Add(outputFile, sourcePath);
                if (CompileOne(source, sourcePath, outputFile, out var changed))
                {
                    var item = new TaskItem(outputFile);
                    item.SetMetadata(SourceMetadata, sourcePath);
                    generated.Add(item);
                    if (changed)
                    {
                        written.Add(item);
                    }
                }
            }

            GeneratedFiles = generated.ToArray();
            WrittenFiles = written.ToArray();
            return !Log.HasLoggedErrors;
        }

        private bool CompileOne(ITaskItem source, string sourcePath, string outputFile, out bool changed)
        {
            changed = false;
            SourceFile file;
            try
            {
                file = SourceFile.Load(sourcePath);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError(null, "EXP0903", null, sourcePath, 0, 0, 0, 0, "Cannot read the file: {0}", e.Message);
                return false;
            }

            var options = new CompilerOptions
            {
                DefaultNamespace = NullIfEmpty(source.GetMetadata(NamespaceMetadata)) ?? NullIfEmpty(RootNamespace),
                ClassName = NullIfEmpty(source.GetMetadata(ClassNameMetadata)),
                LineDirectivePath = sourcePath,
                EmitLineDirectives = EmitLineDirectives,
            };

            var result = ExpirablesCompiler.Compile(file, options);
            foreach (var diagnostic in result.Diagnostics)
            {
                LogDiagnostic(diagnostic, sourcePath);
            }

            if (result.HasErrors || result.GeneratedCode is null)
            {
                return false;
            }

            try
            {
                changed = GeneratedFile.WriteIfChanged(outputFile, result.GeneratedCode);
                var stampFile = source.GetMetadata(StampFileMetadata);
                if (stampFile.Length != 0)
                {
                    Touch(stampFile);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError(null, "EXP0904", null, outputFile, 0, 0, 0, 0, "Cannot write the generated file: {0}", e.Message);
                return false;
            }

            Log.LogMessage(MessageImportance.Normal, "ExpirableStore: {0} -> {1}{2}",
                sourcePath, outputFile, changed ? string.Empty : " (unchanged)");
            return true;
        }

        private void LogDiagnostic(Diagnostic diagnostic, string sourcePath)
        {
            var file = string.IsNullOrEmpty(diagnostic.FilePath) ? sourcePath : diagnostic.FilePath;
            var endLine = ReportEndPositions ? diagnostic.EndLine : 0;
            var endColumn = ReportEndPositions ? diagnostic.EndColumn : 0;
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                Log.LogError(null, diagnostic.Code, diagnostic.HelpUri, file,
                    diagnostic.Line, diagnostic.Column, endLine, endColumn, "{0}", diagnostic.Message);
            }
            else
            {
                Log.LogWarning(null, diagnostic.Code, diagnostic.HelpUri, file,
                    diagnostic.Line, diagnostic.Column, endLine, endColumn, "{0}", diagnostic.Message);
            }
        }

        private static void Touch(string path)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(path, string.Empty);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }


        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
