using System.IO;
using ExpirableStore.Compiler;

namespace ExpirableStore.Cli;

/// <summary>Where a command reads and writes and what relative paths are relative to; tests pass their own.</summary>
internal sealed class CliContext
{
    private readonly Stream _input;
    private byte[]? _inputBytes;

    public CliContext(Stream input, TextWriter output, TextWriter error, string currentDirectory)
    {
        _input = input;
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

    /// <summary>
    /// Reads an input file (standard input for '-', read once) the way every host reads files; a
    /// file that cannot be read is reported and gives null.
    /// </summary>
    public SourceFile? Load(InputFile file)
    {
        if (file.IsStandardInput)
        {
            if (_inputBytes is null)
            {
                using var buffer = new MemoryStream();
                _input.CopyTo(buffer);
                _inputBytes = buffer.ToArray();
            }

            return SourceFile.FromBytes(file.DisplayPath, _inputBytes);
        }

        if (SourceFile.TryLoad(file.FullPath, file.DisplayPath, out var source, out var error))
        {
            return source;
        }

        Fail(error!.Message);
        return null;
    }
}
