namespace CrmAI.Hub.Journal;

/// <summary>
/// The one grain of the cluster that runs journal retention, on a reminder and on request.
/// </summary>
public interface IJournalRetentionGrain : IGrainWithIntegerKey
{
    /// <summary>The only key used, so one activation exists in the cluster.</summary>
    public const long Key = 0;

    /// <summary>Registers the reminder of scheduled runs, or updates its period.</summary>
    Task EnsureScheduledAsync();

    /// <summary>Runs retention once with every endpoint's overrides; a dry run only counts.</summary>
    Task<RetentionReport> RunAsync(bool dryRun);
}
