using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;
using ExpirableStore.Cli.Commands;

namespace ExpirableStore.Cli;

/// <summary>
/// The <c>expirablesc</c> command line: <c>check</c>, <c>generate</c> and <c>format</c> over the
/// compiler library. <see cref="Run(string[], Stream, TextWriter, TextWriter, string)"/> is the
/// whole program, callable in process.
/// </summary>
public static class ExpirablesCli
{
    /// <summary>Runs one command line with no standard input; see the other overload.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, string currentDirectory) =>
        Run(args, Stream.Null, output, error, currentDirectory);

    /// <summary>Runs one command line and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="input">Standard input: what a '-' path reads.</param>
    /// <param name="output">Where results go (standard output).</param>
    /// <param name="error">Where summaries and usage problems go (standard error).</param>
    /// <param name="currentDirectory">What relative paths are relative to.</param>
    public static int Run(string[] args, Stream input, TextWriter output, TextWriter error, string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(currentDirectory);

        var context = new CliContext(input, output, error, currentDirectory);
        // The commands, in the order help lists them. A new command is a class in Commands/ and a line here.
        var root = new RootCommand("expirablesc: check, generate C# from, and format ExpirableStore .expirables files.")
        {
            CheckCommand.Create(context),
            GenerateCommand.Create(context),
            FormatCommand.Create(context),
        };

        // No response files: '@' starts an escaped name ('-n @class'), never a file to read arguments from.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var problem = UsageProblem(parsed, root);
        if (problem is not null || parsed.Errors.Count > 0)
        {
            // System.CommandLine would exit with 1, which here means "the files have errors".
            if (problem is not null)
            {
                context.Fail(problem);
            }
            else
            {
                foreach (var error1 in parsed.Errors)
                {
                    context.Fail(error1.Message);
                }
            }

            error.WriteLine("Run 'expirablesc --help' for usage.");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    // What System.CommandLine reports in its own words, or not at all: a word that looks like an
    // option (before any '--') taken as a path, an unknown command, no command.
    private static string? UsageProblem(ParseResult parsed, RootCommand root)
    {
        var tokens = parsed.Tokens;
        var endOfOptions = tokens.Select((t, i) => (t, i)).FirstOrDefault(p => p.t.Type == TokenType.DoubleDash) is { t: not null } dash ? dash.i : tokens.Count;
        foreach (var argument in parsed.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                var index = IndexOf(tokens, token);
                if (index >= 0 && index < endOfOptions && token.Value.Length > 1 && token.Value[0] == '-')
                {
                    return $"unknown option '{token.Value}'";
                }
            }
        }

        if (parsed.CommandResult.Command != root)
        {
            return null;
        }

        var commands = string.Join(", ", root.Subcommands.Take(root.Subcommands.Count - 1).Select(c => c.Name)) + " and " + root.Subcommands[^1].Name;
        if (parsed.UnmatchedTokens.Count > 0)
        {
            var first = parsed.UnmatchedTokens[0];
            return first.StartsWith('-') ? $"unknown option '{first}'" : $"unknown command '{first}': the commands are {commands}";
        }

        return tokens.Count == 0 ? $"a command is required: {commands.Replace(" and ", " or ", StringComparison.Ordinal)}" : null;
    }

    private static int IndexOf(System.Collections.Generic.IReadOnlyList<Token> tokens, Token token)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token))
            {
                return i;
            }
        }

        return -1;
    }
}
