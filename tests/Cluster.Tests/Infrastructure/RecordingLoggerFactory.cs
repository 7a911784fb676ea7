using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Cluster.Tests.Infrastructure;

/// <summary>Records every log line (to assert on what is logged, and on what never is).</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public LogLevel MinimumLevel { get; init; } = LogLevel.Debug;

    /// <summary>Only the categories that start with this prefix (the NATS client logs a lot).</summary>
    public string CategoryPrefix { get; init; } = "ExpirableStore";

    public IEnumerable<string> Matching(string text) => Lines.Where(line => line.Contains(text, StringComparison.Ordinal));

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel && category.StartsWith(owner.CategoryPrefix, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue($"{owner._clock.Elapsed.TotalMilliseconds,8:F0} {logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
