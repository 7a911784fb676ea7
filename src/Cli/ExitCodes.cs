namespace ExpirableStore.Cli;

/// <summary>The process exit codes of <c>expirablesc</c>, documented in <c>docs/cli.md</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success: no errors (and, with <c>--warnaserror</c>, no warnings); for <c>format --check</c>, nothing to reformat.</summary>
    public const int Success = 0;

    /// <summary>The files have errors, or <c>format --check</c> found files to reformat.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage, or a path that does not exist or cannot be read.</summary>
    public const int Usage = 2;
}
