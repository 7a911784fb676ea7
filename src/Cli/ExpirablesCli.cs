using System;
using System.CommandLine;
using System.IO;
using ExpirableStore.Cli.Commands;

namespace ExpirableStore.Cli;

/// <summary>
/// The <c>expirablesc</c> command line: <c>check</c>, <c>generate</c> and <c>format</c> over the
/// compiler library. <see cref="Run"/> is the whole program, callable in process.
/// </summary>
public static class ExpirablesCli
{
    /// <summary>Runs one command line and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Where results go (standard output).</param>
    /// <param name="error">Where summaries and usage problems go (standard error).</param>
    /// <param name="currentDirectory">What relative paths are relative to.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(currentDirectory);

        var context = new CliContext(output, error, currentDirectory);
        var root = new RootCommand("expirablesc: check, generate C# from, and format ExpirableStore .expirables files.")
        {
            CheckCommand.Create(context),
            GenerateCommand.Create(context),
            FormatCommand.Create(context),
        };

        // No response files: '@' starts an escaped name ('-n @class'), never a file to read arguments from.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            // System.CommandLine would exit with 1, which here means "the files have errors".
            foreach (var problem in parsed.Errors)
            {
                context.Fail(problem.Message);
            }

            error.WriteLine("Run 'expirablesc --help' for usage.");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
