using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
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
            Description = "The folder to write the generated C# files to; created if missing. Files found in a directory or by a glob keep their folders below it.",
            HelpName = "DIR",
            Required = true,
        };
        var ns = CommonOptions.Namespace();
        var standardInputName = CommonOptions.StandardInputName();
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
            standardInputName,
        };
        command.SetAction(result => Run(
            context,
            result.GetValue(paths) ?? Array.Empty<string>(),
            result.GetValue(output)!,
            result.GetValue(ns),
            !result.GetValue(noLines),
            result.GetValue(standardInputName)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string outputDirectory, string? defaultNamespace, bool lineDirectives, string? standardInputName)
    {
        if (!InputFiles.TryResolve(context, paths, standardInputName, out var files))
        {
            return ExitCodes.Usage;
        }

        if (standardInputName is null && files.Any(f => f.IsStandardInput))
        {
            context.Fail("generate names each output after its input: with '-', give the name standard input stands for with --stdin-name");
            return ExitCodes.Usage;
        }

        var directory = Path.GetFullPath(outputDirectory, context.CurrentDirectory);
        var targets = files.Select(f => GeneratedOutputs.PathFor(f.FullPath, directory, f.RelativeDirectory)).ToArray();

        // Two inputs that would overwrite each other's output: refuse before writing anything.
        var clashes = GeneratedOutputs.FindClashes(files.Select((f, i) => (f.DisplayPath, targets[i])));
        foreach (var clash in clashes)
        {
            context.Fail(clash.Message);
        }

        if (clashes.Count > 0)
        {
            return ExitCodes.Usage;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception exception) when (FileSystemErrors.IsFileSystemError(exception))
        {
            context.Fail($"cannot create '{outputDirectory}': {exception.Message}");
            return ExitCodes.Usage;
        }

        // The files of one run are compiled as one project (see check).
        var unusable = false;
        var inputs = new List<(CompilationInput Input, string Target)>();
        for (var i = 0; i < files.Count; i++)
        {
            var source = context.Load(files[i]);
            if (source is null)
            {
                unusable = true;
                continue;
            }

            inputs.Add((new CompilationInput(source, new CompilerOptions
            {
                DefaultNamespace = defaultNamespace,
                // The absolute path, so that the C# compiler finds the file wherever the output goes.
                LineDirectivePath = files[i].FullPath,
                EmitLineDirectives = lineDirectives,
            }), targets[i]));
        }

        var results = ExpirablesCompiler.Compile(inputs.Select(i => i.Input).ToArray());
        var diagnostics = new List<Diagnostic>();
        var failed = false;
        var written = 0;
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            DiagnosticFormatter.WriteCanonical(context.Output, result.Diagnostics);
            diagnostics.AddRange(result.Diagnostics);
            if (result.GeneratedCode is null)
            {
                failed = true;
                continue;
            }

            if (!GeneratedFile.TryWriteIfChanged(inputs[i].Target, result.GeneratedCode, out _, out var writeError))
            {
                context.Fail(writeError!.Message);
                unusable = true;
                continue;
            }

            written++;
        }

        context.Error.WriteLine(DiagnosticFormatter.FormatSummary(files.Count, diagnostics, verb: "compiled")
            + $" {written} generated into {InputFiles.DisplayPath(directory, context.CurrentDirectory)}.");
        return unusable ? ExitCodes.Usage : failed ? ExitCodes.Failure : ExitCodes.Success;
    }
}
