using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Writes journal entries in batches with binary COPY, off the exchange path. A batch that fails for a connection
/// or server problem is retried until it is stored or the host stops; stopping drains the buffer first. A row that
/// the database rejects for its content is stored without its bodies, or dropped with an error log when even that
/// is rejected.
/// </summary>
public sealed partial class JournalWriter : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Channel<PendingEntry> _buffer;
    private readonly NpgsqlDataSource _dataSource;
    private readonly JournalPartitions _partitions;
    private readonly JournalOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JournalWriter> _logger;
    private long _queued;

    public JournalWriter(
        NpgsqlDataSource dataSource,
        JournalPartitions partitions,
        IOptions<JournalOptions> options,
        TimeProvider time,
        ILogger<JournalWriter> logger)
    {
        _dataSource = dataSource;
        _partitions = partitions;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _buffer = Channel.CreateBounded<PendingEntry>(new BoundedChannelOptions(_options.BufferCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Entries queued and not yet stored.</summary>
    public long QueueLength => Interlocked.Read(ref _queued);

    /// <summary>
    /// Queues an entry. The returned task completes when the entry is stored.
    /// </summary>
    public async ValueTask<Task> AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var pending = new PendingEntry(entry);
        Interlocked.Increment(ref _queued);
        try
        {
            await _buffer.Writer.WriteAsync(pending, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _queued);
            throw;
        }

        return pending.Stored.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _buffer.Writer.TryComplete();
        LogDraining(_logger, QueueLength);
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingEntry>(_options.BatchSize);

        // Reading ends only when StopAsync completes the channel, so everything queued before a stop is written.
        while (await _buffer.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _options.BatchSize && _buffer.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteWithRetryAsync(batch);
            Interlocked.Add(ref _queued, -batch.Count);
            batch.Clear();
        }
    }

    // With isFallback, the batch is one entry already reduced by WriteOneByOneAsync, which a data error drops.
    private async Task WriteWithRetryAsync(List<PendingEntry> batch, bool isFallback = false)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _partitions.EnsureAsync(batch.Select(p => p.Entry.StartedAt), CancellationToken.None);
                await JournalCopy.WriteAsync(_dataSource, batch.Select(p => p.Entry), CancellationToken.None);
                Telemetry.HubMetrics.RecordJournalBatch(batch.Count, clock.Elapsed);
                CompleteAll(batch);
                return;
            }
            catch (PostgresException error) when (JournalPartitions.IsMissingPartition(error) && attempt <= 3)
            {
                // Retention dropped a day this process still believed to exist: forget and create it again.
                _partitions.Forget();
                LogWriteFailed(_logger, batch.Count, attempt, TimeSpan.Zero, error);
                continue;
            }
            catch (PostgresException error) when (IsDataError(error) && !isFallback)
            {
                // One bad row fails a whole COPY, so write the rows one by one and keep what can be kept.
                LogRowRejected(_logger, batch.Count, error);
                await WriteOneByOneAsync(batch);
                return;
            }
            catch (PostgresException error) when (IsDataError(error))
            {
                // Retrying a row that the database rejects for its content would stall every entry queued behind it.
                LogEntryDropped(_logger, batch[0].Entry.Id, batch[0].Entry.ExchangeId, error);
                CompleteAll(batch);
                return;
            }
            catch (Exception error) when (error is NpgsqlException or TimeoutException or IOException)
            {
                LogWriteFailed(_logger, batch.Count, attempt, delay, error);
            }

            // Retries go on while the host stops: dropping the batch would lose entries whose results were
            // already returned. The host's shutdown timeout bounds the wait.
            await Task.Delay(delay, _time, CancellationToken.None);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task WriteOneByOneAsync(List<PendingEntry> batch)
    {
        foreach (var pending in batch)
        {
            var entry = pending.Entry;
            try
            {
                await _partitions.EnsureAsync([entry.StartedAt], CancellationToken.None);
                await JournalCopy.WriteAsync(_dataSource, [entry], CancellationToken.None);
            }
            catch (PostgresException error) when (IsDataError(error))
            {
                await WriteWithRetryAsync([new PendingEntry(Reduced(entry, error))], isFallback: true);
            }

            pending.Stored.TrySetResult();
        }
    }

    // The entry stays, without the bodies that the database rejected and with NUL characters, which PostgreSQL text
    // and jsonb cannot hold, replaced by U+FFFD in the other text columns.
    private static JournalEntry Reduced(JournalEntry entry, PostgresException error) => entry with
    {
        Operation = WithoutNul(entry.Operation),
        Method = WithoutNul(entry.Method),
        Url = WithoutNul(entry.Url),
        RequestHeaders = WithoutNul(entry.RequestHeaders),
        RequestBody = entry.RequestBody with { Text = null, Bytes = null, ContentType = WithoutNul(entry.RequestBody.ContentType) },
        ResponseHeaders = entry.ResponseHeaders is null ? null : WithoutNul(entry.ResponseHeaders),
        ResponseBody = entry.ResponseBody is null
            ? null
            : entry.ResponseBody with { Text = null, Bytes = null, ContentType = WithoutNul(entry.ResponseBody.ContentType) },
        Error = WithoutNul($"{entry.Error} (journal: bodies not stored: {error.MessageText})".TrimStart()),
        CorrelationId = WithoutNul(entry.CorrelationId),
        BusinessKeys = [.. entry.BusinessKeys.Select(key => WithoutNul(key))],
    };

    [return: NotNullIfNotNull(nameof(text))]
    private static string? WithoutNul(string? text) => text?.Replace('\0', '\uFFFD');

    private static Dictionary<string, string> WithoutNul(IReadOnlyDictionary<string, string> headers)
    {
        var copy = new Dictionary<string, string>(headers.Count);
        foreach (var (name, value) in headers)
        {
            copy[WithoutNul(name)] = WithoutNul(value);
        }

        return copy;
    }

    private static void CompleteAll(List<PendingEntry> batch)
    {
        foreach (var pending in batch)
        {
            pending.Stored.TrySetResult();
        }
    }

    // Class 22 is data exceptions (an invalid byte sequence, say), class 23 integrity constraint violations.
    private static bool IsDataError(PostgresException error) =>
        error.SqlState.StartsWith("22", StringComparison.Ordinal) ||
        error.SqlState.StartsWith("23", StringComparison.Ordinal);

    private sealed class PendingEntry(JournalEntry entry)
    {
        public JournalEntry Entry { get; } = entry;

        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = HubEventIds.JournalWriteFailed, Level = LogLevel.Warning,
        Message = "Writing {Count} journal entries failed on attempt {Attempt}; retrying in {Delay}")]
    private static partial void LogWriteFailed(
        ILogger logger, int count, int attempt, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = HubEventIds.JournalRowRejected, Level = LogLevel.Warning,
        Message = "The database rejected a row of a batch of {Count} journal entries; writing them one by one")]
    private static partial void LogRowRejected(ILogger logger, int count, Exception error);

    [LoggerMessage(EventId = HubEventIds.JournalEntryDropped, Level = LogLevel.Error,
        Message = "The database rejected journal entry {EntryId} of exchange {ExchangeId} even without its bodies; it is lost")]
    private static partial void LogEntryDropped(ILogger logger, Guid entryId, Guid exchangeId, Exception error);

    [LoggerMessage(EventId = HubEventIds.JournalDraining, Level = LogLevel.Information,
        Message = "Journal writer stopping; writing {Count} queued entries first")]
    private static partial void LogDraining(ILogger logger, long count);
}
