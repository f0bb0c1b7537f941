namespace CrmAI.Hub.Journal;

/// <summary>
/// What one retention run changed, or with <see cref="DryRun"/> would change.
/// </summary>
/// <param name="BodiesRemoved">Entries whose bodies were replaced by size and SHA-256 (hot to warm).</param>
/// <param name="RowsDeleted">Entries counted in <c>journal_daily</c> and deleted row by row (warm to cold).</param>
/// <param name="PartitionsDropped">Daily partitions counted in <c>journal_daily</c> and dropped whole.</param>
/// <param name="PartitionRowsDropped">Entries in those partitions.</param>
/// <param name="DailyRowsDeleted">Aggregate rows older than the cold tier, deleted.</param>
/// <param name="EntriesKeptForUnfinished">Entries past their tier kept because their exchange is unfinished.</param>
[GenerateSerializer, Alias("hub.RetentionReport")]
public sealed record RetentionReport(
    [property: Id(0)] bool DryRun,
    [property: Id(1)] DateTimeOffset Now,
    [property: Id(2)] long BodiesRemoved,
    [property: Id(3)] long RowsDeleted,
    [property: Id(4)] IReadOnlyList<string> PartitionsDropped,
    [property: Id(5)] long PartitionRowsDropped,
    [property: Id(6)] long DailyRowsDeleted,
    [property: Id(7)] long EntriesKeptForUnfinished);
