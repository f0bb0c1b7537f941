using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Tests.Storage;

/// <summary>One log entry captured by <see cref="TestLoggerProvider"/>.</summary>
internal sealed record TestLogEntry(
    LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception);
