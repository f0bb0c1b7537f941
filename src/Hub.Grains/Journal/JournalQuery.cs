using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Filters of a journal search; null members match everything.
/// </summary>
public sealed record JournalQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Endpoint ids; an entry matches when it belongs to any of them. Empty matches every endpoint.</summary>
    public IReadOnlyList<string> EndpointIds { get; init; } = [];

    public Direction? Direction { get; init; }

    /// <summary>Outcomes; an entry matches when it has any of them. Empty matches every outcome.</summary>
    public IReadOnlyList<Outcome> Outcomes { get; init; } = [];

    /// <summary>Exact HTTP statuses and status classes; an entry matches any of them. Empty matches all.</summary>
    public IReadOnlyList<StatusFilter> Statuses { get; init; } = [];

    /// <summary>Minimum <see cref="JournalEntry.DurationMs"/>, inclusive.</summary>
    public double? MinDurationMs { get; init; }

    /// <summary>A business key that the entry must carry, exact match.</summary>
    public string? BusinessKey { get; init; }

    /// <summary>Text that the stored request or response body must contain, ignoring case.</summary>
    /// <remarks>No index serves this filter, so callers bound it with <see cref="From"/> and <see cref="To"/>.</remarks>
    public string? Text { get; init; }

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
/// An HTTP status filter: one code such as 500, or a class such as 4xx when <paramref name="IsClass"/> is true,
/// where <paramref name="Code"/> is then the first code of the class (400).
/// </summary>
public readonly record struct StatusFilter(int Code, bool IsClass);

/// <summary>
/// A page of journal entries, newest first.
/// </summary>
public sealed record JournalPage(IReadOnlyList<JournalEntry> Items, JournalCursor? Next);
