using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrmAI.Hub.Silo.Storage;

/// <summary>
/// A private PostgreSQL server for development and tests, kept under one data folder and listening on a free
/// port of 127.0.0.1, with password authentication for the superuser <c>hub</c>.
/// </summary>
/// <remarks>
/// The server is started with <c>pg_ctl</c>, which detaches it, so it is no child of this process and keeps
/// running while the hub shuts down; <see cref="StopAsync"/> stops it. When the current user is root, initdb
/// and pg_ctl run as the <c>postgres</c> system user because PostgreSQL refuses to run as root. Any local
/// user can connect to 127.0.0.1 without a password, so use it only on a development machine.
/// </remarks>
public sealed partial class LocalPostgres : IAsyncDisposable
{
    private const string DatabaseName = "hub";
    private const string SuperuserName = "hub";
    private const int MaxSocketPathBytes = 107;
    private const int StartAttempts = 3;
    private const string ServerWaitSeconds = "60";

    // Storage events not yet in HubEventIds take ids from 4100 up.
    private const int ClusterInitializedEventId = 4110;
    private const int StaleServerEventId = 4111;
    private const int TraverseGrantedEventId = 4112;
    private const int PortTakenEventId = 4113;
    private const int ServiceAccountEventId = 4114;
    private const int PasswordRequiredEventId = 4115;

    private static readonly string[] ServerSettings =
        ["shared_buffers=128MB", "max_connections=200", "default_toast_compression=lz4"];

    private readonly string _socketDirectory;
    private readonly PostgresTools _tools;
    private readonly FileStream _folderLock;
    private readonly ILogger _logger;
    private readonly Lock _stopGate = new();
    private Task? _stopTask;

    private LocalPostgres(
        string dataDirectory, string socketDirectory, int port, string password, PostgresTools tools,
        FileStream folderLock, ILogger logger)
    {
        DataDirectory = dataDirectory;
        _socketDirectory = socketDirectory;
        ConnectionString = BuildConnectionString(port, DatabaseName, password);
        _tools = tools;
        _folderLock = folderLock;
        _logger = logger;
    }

    /// <summary>Npgsql connection string of the <c>hub</c> database, as the superuser <c>hub</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Absolute path of the data folder given to <see cref="StartAsync"/>.</summary>
    public string DataDirectory { get; }

    private string ClusterDirectory => Path.Combine(DataDirectory, "postgres");

    /// <summary>
    /// Starts PostgreSQL on the cluster in <c>&lt;dataDirectory&gt;/postgres</c>, creating the cluster and the
    /// <c>hub</c> database on first use.
    /// </summary>
    /// <remarks>
    /// A server that a crashed earlier run left on this cluster is stopped first. Another live process that
    /// uses the same data folder is detected through the lock file <c>postgres.lock</c>, and the start fails.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The PostgreSQL programs or the postgres user are missing,
    /// the folder is in use, or initdb or pg_ctl failed; the message explains the fix.</exception>
    public static async Task<LocalPostgres> StartAsync(
        string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "LocalPostgres runs on Linux and macOS only; set HUB_POSTGRES to an Npgsql connection string.");
        }

        var fullPath = Path.GetFullPath(dataDirectory);
        RejectShellCharacters(fullPath);
        Directory.CreateDirectory(fullPath);

        var tools = await PostgresTools.FindAsync(cancellationToken);
        var folderLock = LockFolder(fullPath);
        try
        {
            return await StartLockedAsync(fullPath, tools, folderLock, logger, cancellationToken);
        }
        catch
        {
            await folderLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server with <c>pg_ctl stop -m fast</c>; later calls return at once.</summary>
    /// <remarks>A fast stop rolls back open transactions and closes every client connection.</remarks>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopGate)
        {
            if (_stopTask is null || _stopTask.IsFaulted || _stopTask.IsCanceled)
            {
                _stopTask = StopCoreAsync(cancellationToken);
            }

            return _stopTask;
        }
    }

    /// <summary>Stops the server, as <see cref="StopAsync"/> does.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task<LocalPostgres> StartLockedAsync(
        string dataDirectory, PostgresTools tools, FileStream folderLock, ILogger logger,
        CancellationToken cancellationToken)
    {
        var clusterDirectory = Path.Combine(dataDirectory, "postgres");
        var logFile = Path.Combine(dataDirectory, "postgres.log");
        var socketDirectory = ChooseSocketDirectory(dataDirectory, clusterDirectory);
        Directory.CreateDirectory(clusterDirectory);
        Directory.CreateDirectory(socketDirectory);
        File.SetUnixFileMode(
            socketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (!File.Exists(logFile))
        {
            await File.WriteAllBytesAsync(logFile, [], cancellationToken);
        }

        if (tools.RunsAsServiceAccount)
        {
            LogRunningAsServiceAccount(logger, PostgresTools.ServiceAccount);
            GrantTraverse(dataDirectory, logger);
            await PostgresTools.GiveToServiceAccountAsync(
                [clusterDirectory, socketDirectory, logFile], cancellationToken);
        }

        await StopStaleServerAsync(tools, clusterDirectory, logger, cancellationToken);
        var password = ReadOrCreatePassword(dataDirectory);
        await InitializeClusterAsync(tools, clusterDirectory, socketDirectory, password, logger, cancellationToken);
        var port = await StartServerAsync(tools, clusterDirectory, logFile, socketDirectory, logger, cancellationToken);

        var server = new LocalPostgres(dataDirectory, socketDirectory, port, password, tools, folderLock, logger);
        try
        {
            await RequirePasswordAsync(tools, clusterDirectory, port, password, logger, cancellationToken);
            await CreateDatabaseAsync(port, password, cancellationToken);
        }
        catch
        {
            await server.StopAsync(CancellationToken.None);
            throw;
        }

        LogStarted(logger, port, clusterDirectory);
        return server;
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        var result = await _tools.RunAsync(
            "pg_ctl", ["stop", "-D", ClusterDirectory, "-m", "fast", "-w", "-t", ServerWaitSeconds],
            cancellationToken);

        // pg_ctl stop also fails when no server runs; only a server that is still up is an error.
        if (result.ExitCode != 0 && await IsServerRunningAsync(_tools, ClusterDirectory, cancellationToken))
        {
            throw result.ToException("pg_ctl stop", "Stop the server by hand with pg_ctl stop -D " + ClusterDirectory);
        }

        // A socket folder under /tmp (used for long data paths) would otherwise pile up, one per data folder.
        if (!_socketDirectory.StartsWith(DataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && Directory.Exists(_socketDirectory))
        {
            Directory.Delete(_socketDirectory, recursive: true);
        }

        await _folderLock.DisposeAsync();
        LogStopped(_logger, ClusterDirectory);
    }

    private static FileStream LockFolder(string dataDirectory)
    {
        var lockFile = Path.Combine(dataDirectory, "postgres.lock");
        var ownerFile = Path.Combine(dataDirectory, "postgres.lock.owner");
        try
        {
            // FileShare.None takes an exclusive flock on Unix, which the kernel drops when the process dies.
            var held = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(ownerFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return held;
        }
        catch (IOException exception)
        {
            var owner = File.Exists(ownerFile) ? $"process {File.ReadAllText(ownerFile).Trim()}" : "another process";
            throw new InvalidOperationException(
                $"The data folder {dataDirectory} is in use by another hub ({owner}, lock file {lockFile}). "
                + "Stop that hub, or set HUB_DATA_DIR to another folder.", exception);
        }
    }

    private static async Task StopStaleServerAsync(
        PostgresTools tools, string clusterDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        // This process has the folder lock, so a server still running here was left by a run that crashed.
        if (!await IsServerRunningAsync(tools, clusterDirectory, cancellationToken))
        {
            return;
        }

        LogStoppingStaleServer(logger, clusterDirectory);
        var result = await tools.RunAsync(
            "pg_ctl", ["stop", "-D", clusterDirectory, "-m", "fast", "-w", "-t", ServerWaitSeconds],
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw result.ToException(
                "pg_ctl stop", "Stop the old server by hand with pg_ctl stop -D " + clusterDirectory);
        }
    }

    private static async Task<bool> IsServerRunningAsync(
        PostgresTools tools, string clusterDirectory, CancellationToken cancellationToken)
    {
        // pg_ctl status exits with 0 when a server runs, 3 when none runs and 4 when the folder is no cluster.
        var result = await tools.RunAsync("pg_ctl", ["status", "-D", clusterDirectory], cancellationToken);
        return result.ExitCode == 0;
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task InitializeClusterAsync(
        PostgresTools tools, string clusterDirectory, string privateDirectory, string password, ILogger logger,
        CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(clusterDirectory, "PG_VERSION")))
        {
            return;
        }

        // C.UTF-8 gives Unicode-aware upper() and lower() with byte-order sorting; plain C is the fallback.
        var locale = Directory.Exists("/usr/lib/locale/C.utf8") ? "C.UTF-8" : "C";
        var passwordFile = await WriteInitdbPasswordAsync(privateDirectory, password, tools, cancellationToken);
        ToolResult result;
        try
        {
            result = await tools.RunAsync(
                "initdb",
                ["-D", clusterDirectory, "--auth=" + PasswordMethod, "--pwfile=" + passwordFile, "-U", SuperuserName,
                    "-E", "UTF8", "--locale=" + locale, "--no-instructions"],
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        if (result.ExitCode != 0)
        {
            throw result.ToException("initdb", $"If {clusterDirectory} contains files from a failed run, delete it");
        }

        LogClusterInitialized(logger, clusterDirectory);
    }

    private static async Task<int> StartServerAsync(
        PostgresTools tools, string clusterDirectory, string logFile, string socketDirectory, ILogger logger,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FindFreePort();
            var logLength = new FileInfo(logFile).Length;
            var result = await tools.RunAsync(
                "pg_ctl",
                ["start", "-w", "-t", ServerWaitSeconds, "-D", clusterDirectory, "-l", logFile,
                    "-o", BuildServerOptions(port, socketDirectory)],
                cancellationToken);
            if (result.ExitCode == 0)
            {
                return port;
            }

            // Another process can take the port between FindFreePort and the server's bind.
            var serverLog = await ReadLogSinceAsync(logFile, logLength, cancellationToken);
            if (attempt < StartAttempts && serverLog.Contains("Address already in use", StringComparison.Ordinal))
            {
                LogPortTaken(logger, port, attempt, StartAttempts);
                continue;
            }

            throw result.ToException("pg_ctl start", "Server log (" + logFile + "):\n" + serverLog);
        }
    }

    private static string BuildServerOptions(int port, string socketDirectory)
    {
        // pg_ctl hands this string to /bin/sh, so the path is single-quoted. RejectShellCharacters has ruled
        // out quotes in it.
        var options = new StringBuilder()
            .Append("-p ").Append(port)
            .Append(" -k '").Append(socketDirectory).Append('\'')
            .Append(" -c listen_addresses=127.0.0.1");
        foreach (var setting in ServerSettings)
        {
            options.Append(" -c ").Append(setting);
        }

        return options.ToString();
    }

    private static async Task CreateDatabaseAsync(int port, string password, CancellationToken cancellationToken)
    {
        var adminConnectionString = new NpgsqlConnectionStringBuilder(BuildConnectionString(port, "postgres", password))
        {
            Pooling = false,
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string BuildConnectionString(int port, string database, string password)
    {
        return new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = SuperuserName,
            Password = password,
            Database = database,
        }.ConnectionString;
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ChooseSocketDirectory(string dataDirectory, string clusterDirectory)
    {
        // A Unix socket path, "<directory>/.s.PGSQL.<port>", must fit in 107 bytes.
        var preferred = Path.Combine(dataDirectory, "postgres-socket");
        if (Encoding.UTF8.GetByteCount(preferred + "/.s.PGSQL.65535") <= MaxSocketPathBytes)
        {
            return preferred;
        }

        var folderHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterDirectory)));
        return Path.Combine("/tmp", "hub-pg-" + folderHash[..16]);
    }

    [UnsupportedOSPlatform("windows")]
    private static void GrantTraverse(string dataDirectory, ILogger logger)
    {
        // The postgres user must pass through every ancestor to reach the cluster and the log file.
        for (var directory = new DirectoryInfo(dataDirectory); directory is not null; directory = directory.Parent)
        {
            var mode = File.GetUnixFileMode(directory.FullName);
            if ((mode & UnixFileMode.OtherExecute) != 0)
            {
                continue;
            }

            File.SetUnixFileMode(directory.FullName, mode | UnixFileMode.OtherExecute);
            LogTraverseGranted(logger, directory.FullName, PostgresTools.ServiceAccount);
        }
    }

    private static void RejectShellCharacters(string path)
    {
        // pg_ctl builds a /bin/sh command line from the data and log paths and the -o options.
        if (path.IndexOfAny(['\'', '"', '$', '`', '\\', '\n']) >= 0)
        {
            throw new ArgumentException(
                $"The data folder path {path} contains a quote, '$', '`', '\\' or a line break, which pg_ctl "
                + "cannot pass to its shell; choose another folder.", nameof(path));
        }
    }

    private static async Task<string> ReadLogSinceAsync(
        string logFile, long offset, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);

        return (await reader.ReadToEndAsync(cancellationToken)).Trim();
    }
}
