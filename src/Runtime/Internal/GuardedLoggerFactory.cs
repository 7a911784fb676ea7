using System;
using Microsoft.Extensions.Logging;

namespace ExpirableStore.Internal;

/// <summary>
/// Wraps the user's logger factory so that a logger that throws never breaks the runtime: a log call
/// from a timer, a flight or a watcher that throws would otherwise kill the process or fail a fetch
/// that succeeded. A record a logger fails to write is lost.
/// </summary>
internal sealed class GuardedLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        try
        {
            return new GuardedLogger(inner.CreateLogger(categoryName));
        }
#pragma warning disable CA1031 // a broken logger factory means no logging, not a broken runtime
        catch (Exception)
#pragma warning restore CA1031
        {
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The user's factory is the user's to dispose.
    public void Dispose()
    {
    }

    private sealed class GuardedLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            try
            {
                return inner.BeginScope(state);
            }
#pragma warning disable CA1031 // see the class comment
            catch (Exception)
#pragma warning restore CA1031
            {
                return null;
            }
        }

        public bool IsEnabled(LogLevel logLevel)
        {
            try
            {
                return inner.IsEnabled(logLevel);
            }
#pragma warning disable CA1031 // see the class comment
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }
        }

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
#pragma warning disable CA1031 // see the class comment
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
