namespace CrmAI.Hub.Journal;

/// <summary>
/// Settings of the journal writer and of what it stores.
/// </summary>
public sealed class JournalOptions
{
    public const string SectionName = "Journal";

    /// <summary>Entries that may wait for a write before appending waits too. Default 10,000.</summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Maximum entries written by one COPY. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Bytes of a body kept in an entry; the rest is cut, keeping size and SHA-256. Default 256 KiB.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <value>How long an exchange waits for its entry to be stored before it returns anyway. Default 10 s.</value>
    /// <remarks>
    /// Waiting makes a returned result durable in the journal. When the database is slow or down, the entry
    /// stays queued and is written later, but an exchange never waits longer than this.
    /// </remarks>
    public TimeSpan AcknowledgeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
