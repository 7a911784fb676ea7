using System;
using System.IO;
using System.Security;

namespace ExpirableStore.Compiler;

/// <summary>
/// The one rule for which exceptions mean "the file system refused" (a missing or locked file, no
/// permission, a path that names a folder or cannot be a path): hosts report those as EXP0903 and
/// EXP0904 (the MSBuild task) or as a usage error (the CLI), and let anything else through as the
/// bug it is.
/// </summary>
public static class FileSystemErrors
{
    /// <summary>Whether <paramref name="exception"/> is the file system refusing a read or write.</summary>
    public static bool IsFileSystemError(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException
            or (ArgumentException and not ArgumentNullException);

    /// <summary>
    /// Runs a file system operation; when the file system refuses, returns false with the host
    /// diagnostic <paramref name="describe"/> makes of the reason.
    /// </summary>
    internal static bool Try<T>(Func<T> operation, Func<string, Diagnostics.Diagnostic> describe, out T result, out Diagnostics.Diagnostic? error)
    {
        try
        {
            result = operation();
            error = null;
            return true;
        }
        catch (Exception exception) when (IsFileSystemError(exception))
        {
            result = default!;
            error = describe(exception.Message);
            return false;
        }
    }
}
