using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using ExpirableStore.Cli.Reports;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Emit;

namespace ExpirableStore.Cli.Commands;

/// <summary><c>expirablesc check [PATH...]</c>: parses and checks files, prints their diagnostics.</summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var paths = CommonOptions.Paths("Files, directories (searched recursively for *.expirables) or globs. Default: the current directory.");
        var format = new Option<string>("--format", "-f")
        {
            Description = "How to print diagnostics: text (MSBuild form, one per line), json or sarif (SARIF 2.1.0).",
            DefaultValueFactory = _ => "text",
            HelpName = "text|json|sarif",
        };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var warnAsError = new Option<bool>("--warnaserror")
        {
            Description = "Report warnings as errors, and fail on them.",
        };
        var ns = CommonOptions.Namespace();
        var standardInputName = CommonOptions.StandardInputName();
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write the report to this file instead of standard output.",
            HelpName = "FILE",
        };

        var command = new Command("check", "Check .expirables files and print their diagnostics.")
        {
            paths,
            format,
            warnAsError,
            ns,
            output,
            standardInputName,
        };
        command.SetAction(result => Run(
            context,
            result.GetValue(paths) ?? Array.Empty<string>(),
            result.GetValue(format) ?? "text",
            result.GetValue(warnAsError),
            result.GetValue(ns),
            result.GetValue(output),
            result.GetValue(standardInputName)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, string format, bool warningsAsErrors, string? defaultNamespace, string? outputFile, string? standardInputName)
    {
        if (!InputFiles.TryResolve(context, paths, standardInputName, out var files))
        {
            return ExitCodes.Usage;
        }

        var options = new CompilerOptions { DefaultNamespace = defaultNamespace };
        var diagnostics = new List<Diagnostic>();
        var unreadable = false;
        // The files of one run are checked as one project, as the build compiles a project's files
        // together: two of them generating the same class is an error here too.
        var inputs = new List<CompilationInput>();
        foreach (var file in files)
        {
            var source = context.Load(file);
            if (source is null)
            {
                unreadable = true;
                continue;
            }

            inputs.Add(new CompilationInput(source, options));
        }

        diagnostics.AddRange(ExpirablesCompiler.Check(inputs));

        if (!TryWriteReport(context, outputFile, writer =>
            {
                switch (format)
                {
                    case "json":
                        JsonReport.Write(writer, files.Count, diagnostics, warningsAsErrors);
                        break;
                    case "sarif":
                        SarifReport.Write(writer, diagnostics, warningsAsErrors, context.CurrentDirectory);
                        break;
                    default:
                        DiagnosticFormatter.WriteCanonical(writer, diagnostics, warningsAsErrors);
                        break;
                }
            }))
        {
            return ExitCodes.Usage;
        }

        if (files.Count == 0)
        {
            context.Error.WriteLine("expirablesc: no .expirables files found.");
        }

        context.Error.WriteLine(DiagnosticFormatter.FormatSummary(files.Count, diagnostics, warningsAsErrors));

        if (unreadable)
        {
            return ExitCodes.Usage;
        }

        var failed = diagnostics.Any(d => DiagnosticFormatter.EffectiveSeverity(d, warningsAsErrors) == DiagnosticSeverity.Error);
        return failed ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static bool TryWriteReport(CliContext context, string? outputFile, Action<TextWriter> write)
    {
        if (outputFile is null)
        {
            write(context.Output);
            return true;
        }

        using var report = new StringWriter { NewLine = "\n" };
        write(report);
        if (!GeneratedFile.TryWriteIfChanged(Path.GetFullPath(outputFile, context.CurrentDirectory), report.ToString(), out _, out var error))
        {
            context.Fail(error!.Message);
            return false;
        }

        return true;
    }
}
