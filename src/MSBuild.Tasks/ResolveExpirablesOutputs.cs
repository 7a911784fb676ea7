using System;
using System.Collections.Generic;
using ExpirableStore.Compiler;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ExpirableStore.MSBuild
{
    /// <summary>
    /// Decides, on every build, where each <c>Expirables</c> item's generated file goes, with the
    /// compiler's own rule (<see cref="GeneratedOutputs"/>): the generation target needs these paths
    /// as its <c>Outputs</c> before it can decide to run, and <c>Compile</c> needs them even when it
    /// does not. Two items with the same output are EXP0902.
    /// </summary>
    public sealed class ResolveExpirablesOutputs : Task
    {
        /// <summary>The <c>Expirables</c> items; <c>OutputFile</c> metadata, when set, is kept.</summary>
        [Required]
        public ITaskItem[] Sources { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>The folder generated files go to (<c>$(ExpirablesOutputPath)</c>), relative to the project.</summary>
        [Required]
        public string OutputDirectory { get; set; } = string.Empty;

        /// <summary>The project's folder: relative paths are relative to it.</summary>
        [Required]
        public string ProjectDirectory { get; set; } = string.Empty;

        /// <summary>The same items, with full <c>OutputFile</c> and <c>StampFile</c> metadata.</summary>
        [Output]
        public ITaskItem[] ResolvedSources { get; private set; } = Array.Empty<ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var log = new TaskLog(Log, endPositions: false);
            var outputDirectory = System.IO.Path.Combine(ProjectDirectory, OutputDirectory);
            var resolved = new List<ITaskItem>(Sources.Length);
            var outputs = new List<(string, string)>(Sources.Length);
            foreach (var source in Sources)
            {
                var sourcePath = source.GetMetadata("FullPath");
                var explicitOutput = source.GetMetadata(GenerateExpirables.OutputFileMetadata);
                var output = explicitOutput.Length != 0
                    ? System.IO.Path.GetFullPath(System.IO.Path.Combine(ProjectDirectory, explicitOutput))
                    : GeneratedOutputs.PathFor(sourcePath, outputDirectory, source.GetMetadata("RecursiveDir"));

                var item = new TaskItem(source);
                item.SetMetadata(GenerateExpirables.OutputFileMetadata, output);
                item.SetMetadata(GenerateExpirables.StampFileMetadata, output + ".stamp");
                resolved.Add(item);
                outputs.Add((sourcePath, output));
            }

            foreach (var clash in GeneratedOutputs.FindClashes(outputs))
            {
                log.Diagnostic(clash);
            }

            ResolvedSources = resolved.ToArray();
            return !Log.HasLoggedErrors;
        }
    }
}
