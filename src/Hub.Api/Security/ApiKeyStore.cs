using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Reads and writes <c>hub_api_keys</c>. Every silo reads the same table, so a deleted key stops working on all
/// of them.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "key_id, name, scopes, key_hash, created_at, last_used_at";

    public async Task InsertAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO hub_api_keys (key_id, name, scopes, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.AddWithValue(key.KeyId);
        command.Parameters.AddWithValue(key.Name);
        command.Parameters.AddWithValue(key.Scopes.Select(ApiScopes.Name).ToArray());
        command.Parameters.AddWithValue(key.KeyHash);
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, key.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredApiKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM hub_api_keys WHERE key_id = $1");
        command.Parameters.AddWithValue(keyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM hub_api_keys ORDER BY created_at, key_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Deletes a key and returns its name, or null when no such key exists.</summary>
    public async Task<string?> DeleteAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM hub_api_keys WHERE key_id = $1 RETURNING name");
        command.Parameters.AddWithValue(keyId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task TouchAsync(string keyId, DateTimeOffset usedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE hub_api_keys SET last_used_at = GREATEST(last_used_at, $2) WHERE key_id = $1");
        command.Parameters.AddWithValue(keyId);
        command.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, usedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static StoredApiKey Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetFieldValue<string[]>(2).Select(ApiScopes.Parse).OfType<ApiScope>().ToArray(),
        reader.GetFieldValue<byte[]>(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
}
