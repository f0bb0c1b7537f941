using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// Stores the Data Protection key ring in <c>hub_data_protection_keys</c>, so every silo of a cluster reads and
/// writes the same keys. With a <see cref="KeyRingSeal"/> each row is encrypted, else it is plain XML.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous. Data Protection calls it when it loads or rolls the key ring, about
/// once a day, not per request, so the blocking calls cost little.
/// </remarks>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, KeyRingSeal? seal) : IXmlRepository
{
    /// <summary>Name of the setting with the key ring key, used in errors.</summary>
    public const string KeySetting = "HUB_KEY_RING_KEY";

    // The same in every hub; 0x4875624B657952 is "HubKeyR" in ASCII.
    private const long AdvisoryLockKey = 0x4875_624B_6579_52;

    // The text of the check row. Only its encryption matters, so it is fixed.
    private const string CheckText = "crmai-hub key ring check";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml, sealed FROM hub_data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            var xml = reader.IsDBNull(0) ? OpenSealed(reader.GetFieldValue<byte[]>(1)) : reader.GetString(0);
            elements.Add(XElement.Parse(xml));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var xml = element.ToString(SaveOptions.DisableFormatting);
        using var command = dataSource.CreateCommand(
            "INSERT INTO hub_data_protection_keys (friendly_name, xml, sealed) VALUES ($1, $2, $3)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = friendlyName ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = seal is null ? xml : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = seal is null ? DBNull.Value : seal.Seal(xml), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Checks the stored key ring against the configured key before the hub starts. With a key, it opens the check
    /// row (or writes it on first use) and every encrypted row, then encrypts the plain rows. Without a key, it requires
    /// that nothing is encrypted. Hubs that start together take turns under an advisory lock. Returns the counts.
    /// </summary>
    /// <param name="keySource">Where the key came from, for errors: the setting or the key file.</param>
    /// <exception cref="InvalidOperationException">The stored key ring was encrypted under another key, or no key is
    /// configured for an encrypted key ring. The message names <paramref name="keySource"/> and never contains a key.
    /// </exception>
    public static async Task<KeyRingCounts> PrepareAsync(
        NpgsqlDataSource dataSource, KeyRingSeal? seal, string keySource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var check = await ReadCheckAsync(connection, transaction, cancellationToken);
        var rows = await ReadRowsAsync(connection, transaction, cancellationToken);
        var encrypted = check is not null || rows.Any(row => row.Sealed is not null);
        if (seal is null)
        {
            return encrypted
                ? throw new InvalidOperationException(
                    $"The key ring in hub_data_protection_keys is encrypted, but {KeySetting} is not set. " +
                    $"Set {KeySetting} to the key it was encrypted with on every silo.")
                : new KeyRingCounts(rows.Count, 0);
        }

        if (check is not null)
        {
            OpenOrExplain(seal, check, "The key ring check in hub_key_ring_check", keySource);
        }

        var newlySealed = 0;
        foreach (var (id, xml, box) in rows)
        {
            if (box is not null)
            {
                OpenOrExplain(seal, box, $"Key {id} of the key ring in hub_data_protection_keys", keySource);
                continue;
            }

            await using var update = new NpgsqlCommand(
                "UPDATE hub_data_protection_keys SET xml = NULL, sealed = $1 WHERE id = $2", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = seal.Seal(xml!) });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await update.ExecuteNonQueryAsync(cancellationToken);
            newlySealed++;
        }

        if (check is null)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO hub_key_ring_check (id, sealed) VALUES (1, $1)", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = seal.Seal(CheckText) });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new KeyRingCounts(rows.Count, newlySealed);
    }

    /// <summary>Returns true when the stored key ring needs a key: a check row or an encrypted row exists.</summary>
    public static async Task<bool> IsEncryptedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM hub_key_ring_check) OR EXISTS (SELECT 1 FROM hub_data_protection_keys WHERE sealed IS NOT NULL)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<byte[]?> ReadCheckAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT sealed FROM hub_key_ring_check WHERE id = 1", connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private static async Task<List<(long Id, string? Xml, byte[]? Sealed)>> ReadRowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = new List<(long Id, string? Xml, byte[]? Sealed)>();
        await using var command = new NpgsqlCommand(
            "SELECT id, xml, sealed FROM hub_data_protection_keys ORDER BY id FOR UPDATE", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2)));
        }

        return rows;
    }

    private string OpenSealed(byte[] box) => seal is null
        ? throw new InvalidOperationException(
            $"The key ring in hub_data_protection_keys is encrypted, but {KeySetting} is not set. Set it to the key it was encrypted with.")
        : seal.Open(box);

    private static void OpenOrExplain(KeyRingSeal seal, byte[] box, string subject, string keySource)
    {
        try
        {
            seal.Open(box);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException(
                $"{subject} does not decrypt with {keySource}, so the key ring was encrypted with another key. " +
                "Start the hub with the key it was encrypted with, because without it the stored credentials cannot be decrypted.",
                error);
        }
    }
}

/// <summary>
/// The keys in the stored key ring, and how many of them were encrypted at this start.
/// </summary>
public sealed record KeyRingCounts(int Keys, int NewlySealed);
