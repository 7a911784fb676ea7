using System.IO;
using ExpirableStore.Tests.Support;

namespace ExpirableStore.Cli.Tests.Support;

/// <summary>What one in-process run of expirablesc printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}

/// <summary>Runs the CLI through its entry point with captured standard output and error.</summary>
internal static class Expirablesc
{
    /// <summary>The repository's samples/expirables folder, the files a newcomer checks first.</summary>
    public static string Samples { get; } = Repository.PathOf("samples", "expirables");

    public static CliRun Run(string currentDirectory, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exitCode = ExpirablesCli.Run(args, output, error, currentDirectory);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs with <paramref name="input"/> (UTF-8) as standard input.</summary>
    public static CliRun RunWithInput(string currentDirectory, string input, params string[] args)
    {
        using var stdin = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input));
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exitCode = ExpirablesCli.Run(args, stdin, output, error, currentDirectory);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
