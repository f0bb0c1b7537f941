using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CrmAI.Hub.Silo.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Storage;

public sealed class LocalPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestLoggerProvider _logs = new(output, LogLevel.Debug);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hub-local-postgres-test-").FullName;

    [Fact]
    public async Task StartAsync_SecondStartOnSameFolder_KeepsData()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var logger = _logs.CreateLogger(nameof(LocalPostgres));
        await using (var first = await LocalPostgres.StartAsync(_dataDirectory, logger, cancellationToken))
        {
            await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('x')");
            await first.StopAsync(cancellationToken);
            await first.StopAsync(cancellationToken);
        }

        await using var second = await LocalPostgres.StartAsync(_dataDirectory, logger, cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(second.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT value FROM kept");
        var value = await command.ExecuteScalarAsync(cancellationToken);

        Assert.Equal("x", value);
        Assert.Equal(Path.GetFullPath(_dataDirectory), second.DataDirectory);
        Assert.Single(
            _logs.Entries, entry => entry.Message.StartsWith("Created a PostgreSQL cluster", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StartAsync_NewCluster_RequiresPassword()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await LocalPostgres.StartAsync(
            _dataDirectory, _logs.CreateLogger(nameof(LocalPostgres)), cancellationToken);

        await ExecuteAsync(server.ConnectionString, "SELECT 1");
        await AssertPasswordRequiredAsync(server.ConnectionString);
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(server.DataDirectory, "postgres-password")));
        Assert.DoesNotContain(
            await File.ReadAllLinesAsync(Path.Combine(server.DataDirectory, "postgres", "pg_hba.conf"), cancellationToken),
            line => !line.TrimStart().StartsWith('#') && line.TrimEnd().EndsWith(" trust", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StartAsync_ClusterTrustingLocalUsers_RequiresPasswordAfterwards()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var clusterDirectory = Path.Combine(_dataDirectory, "postgres");
        Directory.CreateDirectory(clusterDirectory);
        if (IsRoot)
        {
            File.SetUnixFileMode(_dataDirectory, File.GetUnixFileMode(_dataDirectory) | UnixFileMode.OtherExecute);
            await RunToolAsync("chown", asPostgres: false, "postgres", clusterDirectory);
        }

        await RunToolAsync("initdb", asPostgres: true, "-D", clusterDirectory, "--auth=trust", "-U", "hub", "-E", "UTF8", "--no-instructions");

        await using var server = await LocalPostgres.StartAsync(
            _dataDirectory, _logs.CreateLogger(nameof(LocalPostgres)), cancellationToken);

        await ExecuteAsync(server.ConnectionString, "SELECT 1");
        await AssertPasswordRequiredAsync(server.ConnectionString);
        Assert.Contains(_logs.Entries, entry => entry.Message.Contains("now requires the password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_Started_ServerIsNoChildProcess()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await LocalPostgres.StartAsync(
            _dataDirectory, _logs.CreateLogger(nameof(LocalPostgres)), cancellationToken);

        // The first line of postmaster.pid is the server's process id.
        var pidFile = Path.Combine(server.DataDirectory, "postgres", "postmaster.pid");
        var serverProcessId = int.Parse(
            (await File.ReadAllLinesAsync(pidFile, cancellationToken))[0], CultureInfo.InvariantCulture);
        var status = await File.ReadAllLinesAsync($"/proc/{serverProcessId}/status", cancellationToken);
        var parentLine = status.Single(line => line.StartsWith("PPid:", StringComparison.Ordinal));
        var parentProcessId = int.Parse(parentLine["PPid:".Length..], CultureInfo.InvariantCulture);

        Assert.NotEqual(Environment.ProcessId, parentProcessId);
        await server.StopAsync(cancellationToken);
        Assert.True(
            await HasExitedAsync(serverProcessId), $"Server process {serverProcessId} still runs after StopAsync.");
    }

    [Fact]
    public async Task StartAsync_FolderAsPasswordFile_ClearError()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var passwordPath = Path.Combine(_dataDirectory, "postgres-password");
        Directory.CreateDirectory(passwordPath);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => LocalPostgres.StartAsync(_dataDirectory, _logs.CreateLogger(nameof(LocalPostgres)), cancellationToken));

        Assert.StartsWith($"Cannot read or write {passwordPath}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task StartAsync_FolderInUse_Throws()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var logger = _logs.CreateLogger(nameof(LocalPostgres));
        await using var server = await LocalPostgres.StartAsync(_dataDirectory, logger, cancellationToken);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => LocalPostgres.StartAsync(_dataDirectory, logger, cancellationToken));

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync(cancellationToken));
    }

    [Fact]
    public async Task StartAsync_StaleServer_StopsItFirst()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var logger = _logs.CreateLogger(nameof(LocalPostgres));
        await using (var first = await LocalPostgres.StartAsync(_dataDirectory, logger, cancellationToken))
        {
            await first.StopAsync(cancellationToken);
        }

        // A run that crashed leaves its server behind without the folder lock.
        var clusterDirectory = Path.Combine(_dataDirectory, "postgres");
        await RunPgCtlAsync("start", "-w", "-D", clusterDirectory, "-l", Path.Combine(_dataDirectory, "postgres.log"),
            "-o", "-p " + FindFreePort() + " -k '" + Path.Combine(_dataDirectory, "postgres-socket") + "'");

        await using var second = await LocalPostgres.StartAsync(_dataDirectory, logger, cancellationToken);

        Assert.Single(
            _logs.Entries, entry => entry.Message.Contains("left by an earlier run", StringComparison.Ordinal));
        await using var dataSource = NpgsqlDataSource.Create(second.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync(cancellationToken));
    }

    [Fact]
    public async Task StartAsync_LongFolderPath_UsesShortSocketDirectory()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var longDirectory = Path.Combine(_dataDirectory, new string('d', 60), new string('e', 60));

        await using var server = await LocalPostgres.StartAsync(
            longDirectory, _logs.CreateLogger(nameof(LocalPostgres)), cancellationToken);

        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("SHOW unix_socket_directories");
        var socketDirectory = (string?)await command.ExecuteScalarAsync(cancellationToken);
        Assert.NotNull(socketDirectory);
        Assert.StartsWith("/tmp/hub-pg-", socketDirectory, StringComparison.Ordinal);
        await server.StopAsync(cancellationToken);
        Assert.False(Directory.Exists(socketDirectory));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _logs.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static async Task<bool> HasExitedAsync(int processId)
    {
        // pg_ctl stop returns once postmaster.pid is gone, which can be a moment before the process ends. An
        // exited process whose parent has not reaped it yet shows state Z (zombie).
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5))
        {
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync($"/proc/{processId}/status");
            }
            catch (IOException)
            {
                return true;
            }

            var state = lines.FirstOrDefault(line => line.StartsWith("State:", StringComparison.Ordinal));
            if (state is null || state.Contains('Z', StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return false;
    }

    private static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static Task RunPgCtlAsync(params string[] arguments) => RunToolAsync("pg_ctl", asPostgres: true, arguments);

    // Tries a connection without the password until the server rejects it; a reload applies pg_hba.conf a moment late.
    private static async Task AssertPasswordRequiredAsync(string connectionString)
    {
        var withoutPassword = new NpgsqlConnectionStringBuilder(connectionString) { Password = null, Pooling = false }.ConnectionString;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await ExecuteAsync(withoutPassword, "SELECT 1");
            }
            catch (NpgsqlException)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The server still accepts a connection without the password.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task RunToolAsync(string tool, bool asPostgres, params string[] arguments)
    {
        // PostgreSQL refuses to run as root, so as root the test runs its programs as the postgres user, like LocalPostgres.
        var asServiceAccount = asPostgres && IsRoot;
        var startInfo = new ProcessStartInfo(asServiceAccount ? "runuser" : tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (asServiceAccount)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", tool })
            {
                startInfo.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{tool} failed: " + await error);
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
