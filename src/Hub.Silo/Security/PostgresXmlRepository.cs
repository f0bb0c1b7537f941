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
    /// Checks the stored key ring against the configured key before the hub starts: with a key, encrypts the plain
    /// rows and opens every encrypted one, and without a key, requires that no row is encrypted. Returns the counts.
    /// </summary>
    /// <exception cref="InvalidOperationException">A row was encrypted under another key, or no key is configured
    /// for encrypted rows. The message names <see cref="KeySetting"/> and never contains a key.</exception>
    public static async Task<KeyRingCounts> PrepareAsync(
        NpgsqlDataSource dataSource, KeyRingSeal? seal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<(long Id, string? Xml, byte[]? Sealed)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, xml, sealed FROM hub_data_protection_keys ORDER BY id FOR UPDATE", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2)));
            }
        }

        var sealedRows = rows.Count(row => row.Sealed is not null);
        if (seal is null)
        {
            return sealedRows == 0
                ? new KeyRingCounts(rows.Count, 0)
                : throw new InvalidOperationException(
                    $"{sealedRows} keys of the key ring in hub_data_protection_keys are encrypted, but {KeySetting} is not set. " +
                    $"Set {KeySetting} to the key they were encrypted with.");
        }

        var newlySealed = 0;
        foreach (var (id, xml, box) in rows)
        {
            if (box is not null)
            {
                OpenOrExplain(seal, box, id);
                continue;
            }

            await using var update = new NpgsqlCommand(
                "UPDATE hub_data_protection_keys SET xml = NULL, sealed = $1 WHERE id = $2", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = seal.Seal(xml!) });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            await update.ExecuteNonQueryAsync(cancellationToken);
            newlySealed++;
        }

        await transaction.CommitAsync(cancellationToken);
        return new KeyRingCounts(rows.Count, newlySealed);
    }

    private string OpenSealed(byte[] box) => seal is null
        ? throw new InvalidOperationException(
            $"The key ring in hub_data_protection_keys is encrypted, but {KeySetting} is not set. Set it to the key it was encrypted with.")
        : seal.Open(box);

    private static void OpenOrExplain(KeyRingSeal seal, byte[] box, long id)
    {
        try
        {
            seal.Open(box);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException(
                $"Key {id} of the key ring in hub_data_protection_keys does not decrypt with the configured {KeySetting}. " +
                $"Start the hub with the {KeySetting} it was encrypted with, because without it the stored credentials cannot be decrypted.",
                error);
        }
    }
}

/// <summary>
/// The keys in the stored key ring, and how many of them were encrypted at this start.
/// </summary>
public sealed record KeyRingCounts(int Keys, int NewlySealed);
