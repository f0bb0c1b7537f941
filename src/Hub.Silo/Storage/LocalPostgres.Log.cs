using Microsoft.Extensions.Logging;

namespace CrmAI.Hub.Silo.Storage;

public sealed partial class LocalPostgres
{
    [LoggerMessage(EventId = HubEventIds.LocalPostgresStarted, Level = LogLevel.Information,
        Message = "Local PostgreSQL started on 127.0.0.1:{Port} with its cluster in {ClusterDirectory}")]
    private static partial void LogStarted(ILogger logger, int port, string clusterDirectory);

    [LoggerMessage(EventId = HubEventIds.LocalPostgresStopped, Level = LogLevel.Information,
        Message = "Local PostgreSQL stopped (cluster {ClusterDirectory})")]
    private static partial void LogStopped(ILogger logger, string clusterDirectory);

    [LoggerMessage(EventId = ClusterInitializedEventId, Level = LogLevel.Information,
        Message = "Created a PostgreSQL cluster in {ClusterDirectory}")]
    private static partial void LogClusterInitialized(ILogger logger, string clusterDirectory);

    [LoggerMessage(EventId = StaleServerEventId, Level = LogLevel.Warning,
        Message = "A PostgreSQL server left by an earlier run is still running on {ClusterDirectory}; stopping it")]
    private static partial void LogStoppingStaleServer(ILogger logger, string clusterDirectory);

    [LoggerMessage(EventId = TraverseGrantedEventId, Level = LogLevel.Warning,
        Message = "Added search permission for other users (o+x) to {Directory} so that the {UserName} user "
            + "can reach the cluster")]
    private static partial void LogTraverseGranted(ILogger logger, string directory, string userName);

    [LoggerMessage(EventId = PortTakenEventId, Level = LogLevel.Warning,
        Message = "Port {Port} was taken before PostgreSQL could bind it; retrying with another port "
            + "(attempt {Attempt} of {MaxAttempts})")]
    private static partial void LogPortTaken(ILogger logger, int port, int attempt, int maxAttempts);

    [LoggerMessage(EventId = ServiceAccountEventId, Level = LogLevel.Information,
        Message = "Running as root, so initdb and pg_ctl run as the {UserName} user")]
    private static partial void LogRunningAsServiceAccount(ILogger logger, string userName);
}
