using System;
using System.CommandLine;
using ExpirableStore.Compiler;
using ExpirableStore.Compiler.Diagnostics;
using ExpirableStore.Compiler.Emit;
using ExpirableStore.Compiler.Formatting;

namespace ExpirableStore.Cli.Commands;

/// <summary><c>expirablesc format [PATH...] [--check]</c>: rewrites files in the canonical layout.</summary>
internal static class FormatCommand
{
    public static Command Create(CliContext context)
    {
        var paths = CommonOptions.Paths("Files, directories (searched recursively for *.expirables) or globs. Default: the current directory.");
        var check = new Option<bool>("--check")
        {
            Description = "Change nothing; list the files that are not formatted and fail if there are any.",
        };

        var command = new Command("format", "Rewrite .expirables files in the canonical layout, keeping every comment.")
        {
            paths,
            check,
        };
        command.SetAction(result => Run(context, result.GetValue(paths) ?? Array.Empty<string>(), result.GetValue(check)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, bool checkOnly)
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

        var unusable = false;
        var withErrors = 0;
        var changed = 0;
        foreach (var file in files)
        {
            if (!SourceFile.TryLoad(file.FullPath, file.DisplayPath, out var source, out var readError))
            {
                context.Fail(readError!.Message);
                unusable = true;
                continue;
            }

            var result = ExpirablesFormatter.Format(source!);
            if (result.HasErrors)
            {
                DiagnosticFormatter.WriteCanonical(context.Output, result.Diagnostics);
                withErrors++;
                continue;
            }

            // Text read from a file is decoded exactly, so the same text means the same bytes.
            if (string.Equals(result.FormattedText, source!.Text, StringComparison.Ordinal))
            {
                continue;
            }

            changed++;
            if (checkOnly)
            {
                context.Output.WriteLine(file.DisplayPath);
                continue;
            }

            if (!GeneratedFile.TryWriteIfChanged(file.FullPath, source.Encode(result.FormattedText!), out _, out var writeError))
            {
                context.Fail(writeError!.Message);
                unusable = true;
                continue;
            }

            context.Output.WriteLine(file.DisplayPath);
        }

        var errors = withErrors == 0 ? string.Empty : $"; {Files(withErrors)} not formatted because of errors";
        context.Error.WriteLine(checkOnly
            ? $"{Files(files.Count)} checked: {changed} would be reformatted{errors}."
            : $"{Files(files.Count)} checked: {changed} reformatted{errors}.");

        if (unusable)
        {
            return ExitCodes.Usage;
        }

        return withErrors > 0 || (checkOnly && changed > 0) ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static string Files(int count) => count == 1 ? "1 file" : count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " files";
}
