using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrmAI.Hub.Silo.Telegram;

/// <summary>
/// Runs work in exactly one hub of the cluster: the holder of a PostgreSQL session advisory lock, taken with
/// <c>pg_try_advisory_lock</c> on a connection kept open for it. Other hubs try again every
/// <see cref="TelegramTimings.LockInterval"/>.
/// </summary>
/// <remarks>The holder checks its connection on the same interval and cancels the work when the connection is gone,
/// because PostgreSQL releases the lock with the session. NOTE: between the loss and that check, two hubs can run at
/// once, so a message may be sent twice.</remarks>
public sealed class SingleRunnerLock(
    NpgsqlDataSource dataSource, long lockKey, TimeProvider time, TelegramTimings timings, ILogger logger)
{
    /// <summary>Runs <paramref name="work"/> whenever this hub holds the lock, until cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(work, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                logger.LogRunnerLockLost(lockKey, exception);
            }

            await Task.Delay(timings.LockInterval, time, cancellationToken).ContinueWith(_ => { },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task RunOnceAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await TryLockAsync(connection, cancellationToken))
        {
            return;
        }

        logger.LogRunnerLockTaken(lockKey);
        try
        {
            await RunHeldAsync(connection, work, cancellationToken);
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    private async Task RunHeldAsync(
        NpgsqlConnection connection, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        using var lockScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = work(lockScope.Token);
        while (!running.IsCompleted)
        {
            var tick = Task.Delay(timings.LockInterval, time, lockScope.Token);
            await Task.WhenAny(running, tick);
            if (running.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (!await IsAliveAsync(connection, lockScope.Token))
            {
                logger.LogRunnerLockLost(lockKey, null);
                break;
            }
        }

        await lockScope.CancelAsync();
        await running.ContinueWith(_ => { }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = lockKey });

        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task<bool> IsAliveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        // Pooled connections keep session locks until the pool resets them, so release the lock explicitly.
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = lockKey });
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The session is gone, and the lock with it.
            logger.LogRunnerLockLost(lockKey, exception);
        }
    }
}
