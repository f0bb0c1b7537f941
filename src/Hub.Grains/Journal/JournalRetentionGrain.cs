using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Runs journal retention for the whole cluster: Orleans keeps one activation of key 0, and its reminder fires on
/// one silo at a time. Requests that arrive during a run wait for it, because the grain is not reentrant.
/// </summary>
public sealed partial class JournalRetentionGrain(
    JournalRetention retention,
    IOptions<JournalRetentionOptions> options,
    ILogger<JournalRetentionGrain> logger) : Grain, IJournalRetentionGrain, IRemindable
{
    private const string ReminderName = "journal-retention";

    public async Task EnsureScheduledAsync()
    {
        var period = options.Value.RunPeriod;
        await this.RegisterOrUpdateReminder(ReminderName, period, period);
    }

    public async Task<RetentionReport> RunAsync(bool dryRun)
    {
        var overrides = await ReadOverridesAsync();
        var report = await retention.RunAsync(overrides, dryRun, CancellationToken.None);
        LogFinished(logger, dryRun, report.BodiesRemoved, report.RowsDeleted, report.PartitionsDropped.Count,
            report.DailyRowsDeleted, report.EntriesKeptForUnfinished);
        return report;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        try
        {
            await RunAsync(dryRun: false);
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException)
        {
            // The next tick runs again; every step is idempotent.
            LogFailed(logger, error);
        }
    }

    private async Task<Dictionary<string, JournalRetentionPolicy?>> ReadOverridesAsync()
    {
        var ids = await GrainFactory.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).ListAsync();
        var overrides = new Dictionary<string, JournalRetentionPolicy?>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var config = await GrainFactory.GetGrain<IEndpointGrain>(id).GetConfigAsync();
            overrides[id] = config?.JournalRetention;
        }

        return overrides;
    }

    [LoggerMessage(EventId = HubEventIds.JournalRetentionFinished, Level = LogLevel.Information,
        Message = "Journal retention finished (dry run {DryRun}): bodies removed {BodiesRemoved}, rows deleted {RowsDeleted}, " +
                  "partitions dropped {PartitionsDropped}, aggregates deleted {DailyRowsDeleted}, kept for unfinished exchanges {Kept}")]
    private static partial void LogFinished(
        ILogger logger, bool dryRun, long bodiesRemoved, long rowsDeleted, int partitionsDropped, long dailyRowsDeleted, long kept);

    [LoggerMessage(EventId = HubEventIds.JournalRetentionFailed, Level = LogLevel.Error,
        Message = "Journal retention failed; it runs again at the next reminder tick")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
