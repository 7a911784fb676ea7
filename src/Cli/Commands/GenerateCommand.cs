using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Emit;

namespace ExpirableStore.Cli.Commands;

/// <summary><c>expirablesc generate PATH... -o DIR</c>: writes one <c>&lt;File&gt;.g.cs</c> per input.</summary>
internal static class GenerateCommand
{

    public static Command Create(CliContext context)
    {
        var paths = CommonOptions.Paths("Files, directories (searched recursively for *.expirables) or globs.", required: true);
        var output = new Option<string>("--output", "-o")
        {
            Description = "The folder to write the generated C# files to; created if missing.",
            HelpName = "DIR",
            Required = true,
        };
        var ns = CommonOptions.Namespace();
        var noLines = new Option<bool>("--no-line-directives")
        {
            Description = "Do not map C# errors back to the .expirables file with #line directives.",
        };

        var command = new Command("generate", "Generate C# from .expirables files.")
        {
            paths,
            output,
            ns,
            noLines,
        };
        command.SetAction(result => Run(
            context,
            result.GetValue(paths) ?? Array.Empty<string>(),
            result.GetValue(output)!,
            result.GetValue(ns),
            !result.GetValue(noLines)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string outputDirectory, string? defaultNamespace, bool lineDirectives)
    {
        var (files, problems) = InputFiles.Resolve(paths, context.CurrentDirectory);
        foreach (var problem in problems)
        {
            context.Fail(problem);
        }

        if (problems.Count > 0)
        {
            return ExitCodes.Usage;
        }

        // Two inputs named alike would overwrite each other's output: refuse before writing anything.
        var clashes = files
            .GroupBy(f => Path.GetFileNameWithoutExtension(f.FullPath) + ".g.cs", StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .ToList();
        foreach (var clash in clashes)
        {
            context.Fail($"{string.Join(" and ", clash.Select(f => "'" + f.DisplayPath + "'"))} would all be generated into '{clash.Key}'; generate them into different folders");
        }

        if (clashes.Count > 0)
        {
            return ExitCodes.Usage;
        }

        var directory = Path.GetFullPath(outputDirectory, context.CurrentDirectory);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception exception) when (SourceReader.IsReadFailure(exception))
        {
            context.Fail($"cannot create '{outputDirectory}': {exception.Message}");
            return ExitCodes.Usage;
        }

        var diagnostics = new List<Diagnostic>();
        var unusable = false;
        var failed = false;
        var written = 0;
        foreach (var file in files)
        {
            var source = SourceReader.TryLoad(file, context);
            if (source is null)
            {
                unusable = true;
                continue;
            }

            var result = ExpirablesCompiler.Compile(source, new CompilerOptions
            {
                DefaultNamespace = defaultNamespace,
                // The absolute path, so that the C# compiler finds the file wherever the output goes.
                LineDirectivePath = file.FullPath,
                EmitLineDirectives = lineDirectives,
            });
            DiagnosticFormatter.WriteCanonical(context.Output, result.Diagnostics);
            diagnostics.AddRange(result.Diagnostics);
            if (result.GeneratedCode is null)
            {
                failed = true;
                continue;
            }

            var target = Path.Combine(directory, result.OutputFileName);
            try
            {
                GeneratedFile.WriteIfChanged(target, result.GeneratedCode);

                written++;
            }
            catch (Exception exception) when (SourceReader.IsReadFailure(exception))
            {
                context.Fail($"cannot write '{target}': {exception.Message}");
                unusable = true;
            }
        }

        context.Error.WriteLine(DiagnosticFormatter.FormatSummary(files.Count, diagnostics, verb: "compiled")
            + $" {written} generated into {InputFiles.DisplayPath(directory, context.CurrentDirectory)}.");
        return unusable ? ExitCodes.Usage : failed ? ExitCodes.Failure : ExitCodes.Success;
    }
}
