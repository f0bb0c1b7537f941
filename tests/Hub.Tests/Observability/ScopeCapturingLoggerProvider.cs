using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Tests.Observability;

/// <summary>
/// Keeps every log entry with the key-value pairs of its enclosing scopes, as the JSON console formatter would
/// write them.
/// </summary>
public sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ScopeCapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            provider._scopes.ForEachScope(
                (scope, into) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            into[key] = value?.ToString();
                        }
                    }
                },
                values);
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    values["state:" + key] = value?.ToString();
                }
            }

            provider._entries.Enqueue(new CapturedLog(category, eventId.Id, formatter(state, exception), values));
        }
    }
}

/// <summary>One log entry: its category, event id, message, and the scope and state values by name.</summary>
public sealed record CapturedLog(string Category, int EventId, string Message, IReadOnlyDictionary<string, string?> Values);
