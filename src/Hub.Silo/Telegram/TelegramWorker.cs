using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Runs the delivery loop and the poller in the one hub of the cluster that holds the Telegram runner lock.
/// Does nothing when Telegram is off.
/// </summary>
public sealed class TelegramWorker(
    IServiceProvider services,
    NpgsqlDataSource dataSource,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    TelegramTimings timings,
    ILogger<TelegramWorker> logger) : BackgroundService
{
    /// <summary>The advisory lock key, the same in every hub: 0x54656C656772616D is "Telegram" in ASCII.</summary>
    public const long RunnerLockKey = 0x5465_6C65_6772_616D;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsEnabled)
        {
            logger.LogDisabled();
            return Task.CompletedTask;
        }

        var delivery = services.GetRequiredService<TelegramDelivery>();
        var poller = services.GetRequiredService<TelegramPoller>();
        var runnerLock = new SingleRunnerLock(dataSource, RunnerLockKey, time, timings, logger);
        return runnerLock.RunAsync(
            token => Task.WhenAll(delivery.RunAsync(token), poller.RunAsync(token)), stoppingToken);
    }
}
