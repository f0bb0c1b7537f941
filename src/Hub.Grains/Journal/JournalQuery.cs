using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Filters of a journal search; null members match everything.
/// </summary>
public sealed record JournalQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public string? EndpointId { get; init; }

    public Direction? Direction { get; init; }

    public Outcome? Outcome { get; init; }

    public string? Operation { get; init; }

    /// <summary>Inclusive lower bound of <see cref="JournalEntry.StartedAt"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound of <see cref="JournalEntry.StartedAt"/>.</summary>
    public DateTimeOffset? To { get; init; }

    public string? CorrelationId { get; init; }

    public Guid? ExchangeId { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Position after which the page starts, taken from the previous page.</summary>
    public JournalCursor? After { get; init; }
}

/// <summary>
/// A page of journal entries, newest first.
/// </summary>
public sealed record JournalPage(IReadOnlyList<JournalEntry> Items, JournalCursor? Next);
