using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrmAI.Hub.Silo.Storage;

/// <summary>
/// Applies the SQL scripts embedded as <c>schema/NNN_name.sql</c> to a PostgreSQL database, in file-name order,
/// each once.
/// </summary>
/// <remarks>
/// Each script runs in its own transaction that first takes a transaction-level advisory lock, so silos that
/// start together against one database apply every script exactly once and the others wait, then skip it.
/// Applied scripts are recorded with their SHA-256 in <c>hub_schema_migrations</c>. A script whose hash has
/// changed since it was applied is not run again, but a warning names it.
/// </remarks>
public static partial class SchemaMigrator
{
    private const string ResourcePrefix = "schema/";

    // The same key in every hub process; 0x4875625363686D61 is "HubSchma" in ASCII.
    private const long AdvisoryLockKey = 0x4875_6253_6368_6D61;

    // Storage events not yet in HubEventIds take ids from 4100 up.
    private const int ScriptSkippedEventId = 4101;
    private const int MigrationFinishedEventId = 4102;

    private const string CreateHistoryTableSql = """
        CREATE TABLE IF NOT EXISTS hub_schema_migrations
        (
            name text PRIMARY KEY,
            sha256 text NOT NULL,
            applied_at timestamptz NOT NULL
        )
        """;

    [GeneratedRegex(@"^schema/(?<name>[0-9]{3}_[A-Za-z0-9_\-]+\.sql)$")]
    private static partial Regex ScriptNamePattern();

    /// <summary>Applies every embedded schema script that the database has not recorded yet.</summary>
    /// <exception cref="InvalidOperationException">An embedded resource under <c>schema/</c> has an invalid name.
    /// </exception>
    /// <exception cref="PostgresException">A script failed; its transaction was rolled back.</exception>
    public static async Task ApplyAsync(
        NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(logger);

        var scripts = LoadScripts(typeof(SchemaMigrator).Assembly);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        var appliedCount = 0;
        foreach (var script in scripts)
        {
            if (await ApplyScriptAsync(connection, script, logger, cancellationToken))
            {
                appliedCount++;
            }
        }

        logger.LogMigrationFinished(appliedCount, scripts.Count);
    }

    private static async Task<bool> ApplyScriptAsync(
        NpgsqlConnection connection, SchemaScript script, ILogger logger, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The lock also covers CREATE TABLE IF NOT EXISTS, which can fail with a unique violation on the
        // catalog when two sessions run it at the same time.
        await LockAsync(connection, cancellationToken);
        await ExecuteAsync(connection, CreateHistoryTableSql, cancellationToken);

        var appliedHash = await ReadAppliedHashAsync(connection, script.Name, cancellationToken);
        if (appliedHash is not null)
        {
            LogSkippedOrChanged(logger, script, appliedHash);
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        await ExecuteAsync(connection, script.Sql, cancellationToken);
        await RecordAppliedAsync(connection, script, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        logger.LogScriptApplied(script.Name, script.Sha256);
        return true;
    }

    private static void LogSkippedOrChanged(ILogger logger, SchemaScript script, string appliedHash)
    {
        if (string.Equals(appliedHash, script.Sha256, StringComparison.Ordinal))
        {
            logger.LogScriptSkipped(script.Name);
        }
        else
        {
            logger.LogScriptChanged(script.Name, appliedHash, script.Sha256);
        }
    }

    private static async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> ReadAppliedHashAsync(
        NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT sha256 FROM hub_schema_migrations WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", name);

        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task RecordAppliedAsync(
        NpgsqlConnection connection, SchemaScript script, CancellationToken cancellationToken)
    {
        // The database clock, so that applied_at needs no TimeProvider and agrees across silos.
        await using var command = new NpgsqlCommand(
            "INSERT INTO hub_schema_migrations (name, sha256, applied_at) VALUES (@name, @sha256, now())",
            connection);
        command.Parameters.AddWithValue("name", script.Name);
        command.Parameters.AddWithValue("sha256", script.Sha256);

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<SchemaScript> LoadScripts(Assembly assembly)
    {
        var scripts = new List<SchemaScript>();
        foreach (var resourceName in assembly.GetManifestResourceNames())
        {
            if (!resourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = ScriptNamePattern().Match(resourceName);
            if (!match.Success)
            {
                throw new InvalidOperationException(
                    $"Invalid schema script name '{resourceName}': rename it to schema/NNN_name.sql "
                    + "(three digits, an underscore, then letters, digits, '_' or '-').");
            }

            scripts.Add(ReadScript(assembly, resourceName, match.Groups["name"].Value));
        }

        scripts.Sort((left, right) => string.CompareOrdinal(left.Name, right.Name));
        return scripts;
    }

    private static SchemaScript ReadScript(Assembly assembly, string resourceName, string name)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{resourceName}' not found.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var sql = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes).TrimStart('\uFEFF');
        return new SchemaScript(name, sql, sha256);
    }

    [LoggerMessage(EventId = HubEventIds.SchemaApplied, Level = LogLevel.Information,
        Message = "Applied schema script {ScriptName} (SHA-256 {Sha256})")]
    private static partial void LogScriptApplied(this ILogger logger, string scriptName, string sha256);

    [LoggerMessage(EventId = ScriptSkippedEventId, Level = LogLevel.Debug,
        Message = "Schema script {ScriptName} was applied before; skipping it")]
    private static partial void LogScriptSkipped(this ILogger logger, string scriptName);

    [LoggerMessage(EventId = HubEventIds.SchemaChanged, Level = LogLevel.Warning,
        Message = "Schema script {ScriptName} changed after it was applied (applied SHA-256 {AppliedSha256}, "
            + "embedded SHA-256 {EmbeddedSha256}); it is not run again, so put the change in a new script")]
    private static partial void LogScriptChanged(
        this ILogger logger, string scriptName, string appliedSha256, string embeddedSha256);

    [LoggerMessage(EventId = MigrationFinishedEventId, Level = LogLevel.Information,
        Message = "Schema is up to date: applied {AppliedCount} of {ScriptCount} embedded scripts")]
    private static partial void LogMigrationFinished(this ILogger logger, int appliedCount, int scriptCount);

    private sealed record SchemaScript(string Name, string Sql, string Sha256);
}
