using CrmAI.Hub.Journal;
using Npgsql;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// Registers the journal's partitioning and retention services.
/// </summary>
public static class JournalMaintenanceServices
{
    public static IServiceCollection AddJournalMaintenance(this IServiceCollection services)
    {
        services.AddSingleton<JournalPartitions>();
        services.AddSingleton<JournalRetention>();
        services.AddSingleton<JournalStatistics>();
        services.AddOptions<JournalRetentionOptions>()
            .BindConfiguration(JournalRetentionOptions.SectionName)
            .Validate(options => !options.Validate().Any(), "Invalid Journal:Retention settings")
            .ValidateOnStart();
        services.AddHostedService<JournalMaintenance>();
        return services;
    }
}

/// <summary>
/// Keeps the daily journal partitions created <see cref="JournalPartitions.DaysAhead"/> days ahead, on every silo
/// (the creation is idempotent), and makes sure the retention reminder exists once the silo runs.
/// </summary>
public sealed partial class JournalMaintenance(
    JournalPartitions partitions,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<JournalMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls need a running silo, which the host has once it reports started.
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var scheduled = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = Period;
            try
            {
                var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
                await partitions.EnsureRangeAsync(today.AddDays(-1), today.AddDays(JournalPartitions.DaysAhead), stoppingToken);
                if (!scheduled)
                {
                    await grains.GetGrain<IJournalRetentionGrain>(IJournalRetentionGrain.Key).EnsureScheduledAsync();
                    scheduled = true;
                }
            }
            catch (Exception error) when (error is NpgsqlException or TimeoutException or OrleansException or InvalidOperationException)
            {
                // The silo may still be starting, or the database be unreachable for a while.
                LogFailed(logger, RetryDelay, error);
                delay = RetryDelay;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = HubEventIds.JournalMaintenanceFailed, Level = LogLevel.Warning,
        Message = "Creating journal partitions or scheduling retention failed; retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, TimeSpan delay, Exception error);
}
