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
        var standardInputName = CommonOptions.StandardInputName();

        var command = new Command("format", "Rewrite .expirables files in the canonical layout, keeping every comment; standard input ('-') is written formatted to standard output.")
        {
            paths,
            check,
            standardInputName,
        };
        command.SetAction(result => Run(context, result.GetValue(paths) ?? Array.Empty<string>(), result.GetValue(check), result.GetValue(standardInputName)));
        return command;
    }

    private static int Run(CliContext context, string[] paths, bool checkOnly, string? standardInputName)
    {
        if (!InputFiles.TryResolve(context, paths, standardInputName, out var files))
        {
            return ExitCodes.Usage;
        }

        var unusable = false;
        var withErrors = 0;
        var changed = 0;
        foreach (var file in files)
        {
            var source = context.Load(file);
            if (source is null)
            {
                unusable = true;
                continue;
            }

            var result = ExpirablesFormatter.Format(source);
            if (result.HasErrors)
            {
                // Standard output of 'format -' is the formatted text only: an editor replaces its buffer with it.
                DiagnosticFormatter.WriteCanonical(file.IsStandardInput ? context.Error : context.Output, result.Diagnostics);
                withErrors++;
                continue;
            }

            // Text read from a file is decoded exactly, so the same text means the same bytes.
            var isChanged = !string.Equals(result.FormattedText, source.Text, StringComparison.Ordinal);
            changed += isChanged ? 1 : 0;
            if (file.IsStandardInput && !checkOnly)
            {
                context.Output.Write(result.FormattedText);
                continue;
            }

            if (!isChanged)
            {
                continue;
            }

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
