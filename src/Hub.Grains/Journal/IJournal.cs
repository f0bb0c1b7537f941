namespace CrmAI.Hub.Journal;

/// <summary>
/// Writes and reads journal entries.
/// </summary>
public interface IJournal
{
    /// <summary>
    /// Queues an entry for a batched write. The returned task completes when the entry is durably stored;
    /// queuing itself waits only while the write buffer is full.
    /// </summary>
    ValueTask<Task> AppendAsync(JournalEntry entry, CancellationToken cancellationToken);

    Task<JournalEntry?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Returns a page of entries, newest first, without body contents (sizes and hashes stay).</summary>
    Task<JournalPage> QueryAsync(JournalQuery query, CancellationToken cancellationToken);

    /// <summary>Returns every attempt of an exchange in attempt order, without body contents.</summary>
    Task<IReadOnlyList<JournalEntry>> GetExchangeAsync(Guid exchangeId, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the entries that match <paramref name="query"/> (its limit and cursor ignored), newest first,
    /// without body contents, stopping after <paramref name="maxRows"/>.
    /// </summary>
    IAsyncEnumerable<JournalEntry> ExportAsync(JournalQuery query, long maxRows, CancellationToken cancellationToken);
}
