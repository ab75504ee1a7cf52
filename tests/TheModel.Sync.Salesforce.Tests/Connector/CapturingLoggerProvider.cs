using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TheModel.Sync.Salesforce.Tests.Connector;

/// <summary>Keeps every log event (id, level, rendered message and structured values) for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Text)> _events = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Text)> Events => [.. _events];

    public ILogger CreateLogger(string categoryName) => new Logger(_events);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(EventId, LogLevel, string)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            events.Enqueue((eventId, logLevel, $"{formatter(state, exception)} | {values} | {exception}"));
        }
    }
}
