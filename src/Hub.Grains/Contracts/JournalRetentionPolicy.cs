namespace CrmAI.Hub.Contracts;

/// <summary>
/// Per-endpoint overrides of the journal retention tiers, in whole days from the attempt's start. Null members
/// take the global <c>Journal:Retention</c> defaults.
/// </summary>
[GenerateSerializer, Alias("hub.JournalRetentionPolicy")]
public sealed record JournalRetentionPolicy
{
    /// <summary>Days that entries keep their bodies (hot tier).</summary>
    [Id(0)] public int? HotDays { get; init; }

    /// <summary>Days that entries are kept at all; after <see cref="HotDays"/> only body sizes and hashes stay.</summary>
    [Id(1)] public int? WarmDays { get; init; }

    /// <summary>Days that the daily aggregates of dropped entries are kept (cold tier).</summary>
    [Id(2)] public int? ColdDays { get; init; }
}
