using System.Runtime.Versioning;
using System.Security.Cryptography;
using CrmAI.Hub.Silo.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrmAI.Hub.Silo.Storage;

/// <summary>
/// Password authentication of the private server: every connection, also from 127.0.0.1, needs the superuser's
/// password, which the data folder keeps in a file that only the hub's user can read.
/// </summary>
public sealed partial class LocalPostgres
{
    private const string PasswordFileName = "postgres-password";
    private const string PasswordMethod = "scram-sha-256";

    // Reads the superuser's password from the data folder, creating it on first use. A file that cannot be read or
    // written becomes an InvalidOperationException, which the host prints as one line.
    private static string ReadOrCreatePassword(string dataDirectory) =>
        SecretFile.ReadOrCreate(dataDirectory, PasswordFileName, NewPassword, out _);

    // Base64url, so the password needs no quoting in SQL, connection strings or the file.
    private static string NewPassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    // Writes the password for initdb's --pwfile into a folder that only the hub's user (and, as root, the postgres
    // user) can enter. The caller deletes the file.
    [UnsupportedOSPlatform("windows")]
    private static async Task<string> WriteInitdbPasswordAsync(
        string privateDirectory, string password, PostgresTools tools, CancellationToken cancellationToken)
    {
        var path = Path.Combine(privateDirectory, "initdb-password");
        await File.WriteAllTextAsync(path, password + "\n", cancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (tools.RunsAsServiceAccount)
        {
            await PostgresTools.GiveToServiceAccountAsync([path], cancellationToken);
        }

        return path;
    }

    // A cluster created before passwords were required trusts every local connection. Through that trust the
    // superuser gets its password, then pg_hba.conf requires it and the server reloads.
    private static async Task RequirePasswordAsync(
        PostgresTools tools, string clusterDirectory, int port, string password, ILogger logger,
        CancellationToken cancellationToken)
    {
        var hbaPath = Path.Combine(clusterDirectory, "pg_hba.conf");
        var lines = await File.ReadAllLinesAsync(hbaPath, cancellationToken);
        if (!lines.Any(IsTrustRule))
        {
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(BuildConnectionString(port, "postgres", password)) { Pooling = false };
        await using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"ALTER ROLE {SuperuserName} PASSWORD '{password}'", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var rewritten = lines.Select(line => IsTrustRule(line) ? line[..line.LastIndexOf("trust", StringComparison.Ordinal)] + PasswordMethod : line);
        await File.WriteAllLinesAsync(hbaPath, rewritten, cancellationToken);
        var reload = await tools.RunAsync("pg_ctl", ["reload", "-D", clusterDirectory], cancellationToken);
        if (reload.ExitCode != 0)
        {
            throw reload.ToException("pg_ctl reload", $"Replace 'trust' by '{PasswordMethod}' in {hbaPath} by hand.");
        }

        LogPasswordRequired(logger, hbaPath);
    }

    private static bool IsTrustRule(string line)
    {
        var trimmed = line.Trim();
        return !trimmed.StartsWith('#') && trimmed.EndsWith(" trust", StringComparison.Ordinal);
    }

    [LoggerMessage(EventId = PasswordRequiredEventId, Level = LogLevel.Warning,
        Message = "The private PostgreSQL trusted every local connection, and now requires the password in the data " +
            "folder ({HbaFile} changed)")]
    private static partial void LogPasswordRequired(ILogger logger, string hbaFile);
}
