using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CrmAI.Hub.Tests.Storage;

/// <summary>
/// Logger provider that keeps every entry for assertions and copies it to the test output.
/// </summary>
internal sealed class TestLoggerProvider(ITestOutputHelper output, LogLevel minimumLevel) : ILoggerProvider
{
    private readonly ConcurrentQueue<TestLogEntry> _entries = new();

    public IReadOnlyCollection<TestLogEntry> Entries => _entries;

    private LogLevel MinimumLevel => minimumLevel;

    public ILogger CreateLogger(string categoryName) => new TestLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(TestLogEntry entry)
    {
        _entries.Enqueue(entry);
        try
        {
            output.WriteLine($"{entry.Level} {entry.Category}[{entry.EventId.Id}]: {entry.Message}"
                + (entry.Exception is null ? "" : Environment.NewLine + entry.Exception));
        }
        catch (InvalidOperationException)
        {
            // The test has finished; background work such as a silo shutdown can still log.
        }
    }

    private sealed class TestLogger(TestLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumLevel;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Add(new TestLogEntry(logLevel, category, eventId, formatter(state, exception), exception));
            }
        }
    }

}
