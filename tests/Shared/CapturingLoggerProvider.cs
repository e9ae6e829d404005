using Microsoft.Extensions.Logging;

namespace Meridian.Tests.Shared;

/// <summary>Keeps every log entry, for tests that check what was logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<Entry> _entries = [];

    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
                return _entries.ToList();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider._entries)
                provider._entries.Add(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
