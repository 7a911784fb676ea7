using ExpirableStore.Compiler.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ExpirableStore.MSBuild
{
    /// <summary>
    /// Everything the tasks log, in one place: compiler diagnostics in the canonical form
    /// <c>file(line,col): error CODE: message</c> (through <c>LogError</c>/<c>LogWarning</c>, with
    /// the code's help address), and the one message per generated file.
    /// </summary>
    internal sealed class TaskLog
    {
        /// <summary>The prefix of the message logged for every file compiled, at normal verbosity.</summary>
        public const string GeneratedPrefix = "ExpirableStore: ";

        private readonly TaskLoggingHelper _log;
        private readonly bool _endPositions;

        public TaskLog(TaskLoggingHelper log, bool endPositions)
        {
            _log = log;
            _endPositions = endPositions;
        }

        public bool HasLoggedErrors => _log.HasLoggedErrors;

        /// <summary>
        /// Logs a diagnostic at its file, line and column (none for a diagnostic about the whole
        /// file), with its end position only when asked: MSBuild prints <c>file(3,17,3,23)</c> then,
        /// <c>file(3,17)</c> otherwise, the form the C# compiler and <c>expirablesc</c> print.
        /// </summary>
        public void Diagnostic(Diagnostic diagnostic)
        {
            var endLine = _endPositions ? diagnostic.EndLine : 0;
            var endColumn = _endPositions ? diagnostic.EndColumn : 0;
            if (diagnostic.IsError)
            {
                _log.LogError(null, diagnostic.Code, diagnostic.HelpUri, diagnostic.FilePath,
                    diagnostic.Line, diagnostic.Column, endLine, endColumn, "{0}", diagnostic.Message);
            }
            else
            {
                _log.LogWarning(null, diagnostic.Code, diagnostic.HelpUri, diagnostic.FilePath,
                    diagnostic.Line, diagnostic.Column, endLine, endColumn, "{0}", diagnostic.Message);
            }
        }

        /// <summary>A file was compiled; <paramref name="written"/>: its output changed and was rewritten.</summary>
        public void Generated(string source, string output, bool written) =>
            _log.LogMessage(MessageImportance.Normal, GeneratedPrefix + "{0} -> {1}{2}", source, output, written ? string.Empty : " (unchanged)");
    }
}
