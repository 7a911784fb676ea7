using System.IO;

namespace ExpirableStore.Cli;

/// <summary>Where a command writes and what relative paths are relative to; tests pass their own.</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, string currentDirectory)
    {
        Output = output;
        Error = error;
        CurrentDirectory = Path.GetFullPath(currentDirectory);
    }

    /// <summary>Results: diagnostics, reports, file lists.</summary>
    public TextWriter Output { get; }

    /// <summary>Summaries and problems with the command line or the file system.</summary>
    public TextWriter Error { get; }

    public string CurrentDirectory { get; }

    public void Fail(string message) => Error.WriteLine("expirablesc: " + message);
}
