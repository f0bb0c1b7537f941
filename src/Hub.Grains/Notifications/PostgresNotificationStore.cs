using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Alerts;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Notifications;

/// <summary>
/// <see cref="INotificationStore"/> on the <c>hub_notifications</c>, <c>hub_telegram_chats</c> and
/// <c>hub_telegram_offsets</c> tables.
/// </summary>
public sealed class PostgresNotificationStore(NpgsqlDataSource dataSource) : INotificationStore
{
    private const string Columns =
        "id, chat_id, payload::text, state, attempts, next_attempt_at, last_error, created_at, sent_at, " +
        "telegram_message_id";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<int> AddAsync(
        AlertNotice notice, IReadOnlyCollection<long> chatIds, string? note, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(chatIds);
        if (chatIds.Count == 0)
        {
            return 0;
        }

        await using var command = dataSource.CreateCommand(
            "INSERT INTO hub_notifications (notice_id, chat_id, endpoint_id, incident_id, severity, kind, payload, " +
            "state, next_attempt_at, last_error, created_at) " +
            "SELECT $1, chat, $3, $4, $5, $6, $7, 'Pending', $8, $9, $8 FROM unnest($2) AS chat " +
            "ON CONFLICT (notice_id, chat_id) DO NOTHING");
        var parameters = command.Parameters;
        parameters.Add(Parameter(notice.NoticeId, NpgsqlDbType.Uuid));
        parameters.Add(Parameter(chatIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        parameters.Add(Parameter(notice.EndpointId, NpgsqlDbType.Text));
        parameters.Add(Parameter(notice.IncidentId, NpgsqlDbType.Uuid));
        parameters.Add(Parameter(notice.Severity.ToString(), NpgsqlDbType.Text));
        parameters.Add(Parameter(notice.Kind.ToString(), NpgsqlDbType.Text));
        parameters.Add(Parameter(JsonSerializer.Serialize(notice, Json), NpgsqlDbType.Jsonb));
        parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));
        parameters.Add(Parameter(note, NpgsqlDbType.Text));

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredNotification>> GetDueAsync(
        DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM hub_notifications WHERE state = 'Pending' AND next_attempt_at <= $1 " +
            "ORDER BY next_attempt_at, id LIMIT $2");
        command.Parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(limit, NpgsqlDbType.Integer));

        return await ReadAsync(command, cancellationToken);
    }

    public async Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT min(next_attempt_at) FROM hub_notifications WHERE state = 'Pending'");

        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
    }

    public async Task MarkSentAsync(
        IReadOnlyCollection<long> ids, long messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE hub_notifications SET state = 'Sent', attempts = attempts + 1, sent_at = $2, " +
            "telegram_message_id = $3, next_attempt_at = NULL, last_error = NULL WHERE id = ANY($1)");
        command.Parameters.Add(Parameter(ids.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(messageId, NpgsqlDbType.Bigint));

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RescheduleAsync(
        IReadOnlyCollection<long> ids, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE hub_notifications SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 " +
            "WHERE id = ANY($1) AND state = 'Pending'");
        command.Parameters.Add(Parameter(ids.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(nextAttemptAt.UtcDateTime, NpgsqlDbType.TimestampTz));
        command.Parameters.Add(Parameter(lastError, NpgsqlDbType.Text));

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFailedAsync(IReadOnlyCollection<long> ids, string lastError, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE hub_notifications SET state = 'Failed', attempts = attempts + 1, next_attempt_at = NULL, " +
            "last_error = $2 WHERE id = ANY($1) AND state = 'Pending'");
        command.Parameters.Add(Parameter(ids.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(lastError, NpgsqlDbType.Text));

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredNotification>> ListAsync(
        NotificationState? state, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM hub_notifications WHERE $1::text IS NULL OR state = $1 " +
            "ORDER BY created_at DESC, id DESC LIMIT $2");
        command.Parameters.Add(Parameter(state?.ToString(), NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(limit, NpgsqlDbType.Integer));

        return await ReadAsync(command, cancellationToken);
    }

    public async Task<string?> FindEndpointOfIncidentAsync(Guid incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT endpoint_id FROM hub_notifications WHERE incident_id = $1 LIMIT 1");
        command.Parameters.Add(Parameter(incidentId, NpgsqlDbType.Uuid));

        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyDictionary<long, long>> GetChatMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT chat_id, migrated_to FROM hub_telegram_chats");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        var migrations = new Dictionary<long, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            migrations[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return migrations;
    }

    public async Task SaveChatMigrationAsync(
        long chatId, long migratedTo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO hub_telegram_chats (chat_id, migrated_to, migrated_at) VALUES ($1, $2, $3) " +
            "ON CONFLICT (chat_id) DO UPDATE SET migrated_to = $2, migrated_at = $3");
        command.Parameters.Add(Parameter(chatId, NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(migratedTo, NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long?> GetUpdateOffsetAsync(long botId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT next_update_id FROM hub_telegram_offsets WHERE bot_id = $1");
        command.Parameters.Add(Parameter(botId, NpgsqlDbType.Bigint));

        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    public async Task SaveUpdateOffsetAsync(
        long botId, long nextUpdateId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO hub_telegram_offsets (bot_id, next_update_id, updated_at) VALUES ($1, $2, $3) " +
            "ON CONFLICT (bot_id) DO UPDATE SET next_update_id = $2, updated_at = $3");
        command.Parameters.Add(Parameter(botId, NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(nextUpdateId, NpgsqlDbType.Bigint));
        command.Parameters.Add(Parameter(now.UtcDateTime, NpgsqlDbType.TimestampTz));

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static async Task<List<StoredNotification>> ReadAsync(
        NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredNotification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    private static StoredNotification ReadRow(NpgsqlDataReader reader)
    {
        var notice = JsonSerializer.Deserialize<AlertNotice>(reader.GetString(2), Json)
            ?? throw new InvalidOperationException($"Notification {reader.GetInt64(0)} has an empty payload.");

        return new StoredNotification
        {
            Id = reader.GetInt64(0),
            ChatId = reader.GetInt64(1),
            Notice = notice,
            State = Enum.Parse<NotificationState>(reader.GetString(3)),
            Attempts = reader.GetInt32(4),
            NextAttemptAt = ReadTime(reader, 5),
            LastError = reader.IsDBNull(6) ? null : reader.GetString(6),
            CreatedAt = ReadTime(reader, 7)!.Value,
            SentAt = ReadTime(reader, 8),
            TelegramMessageId = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        };
    }

    private static DateTimeOffset? ReadTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetDateTime(ordinal), TimeSpan.Zero);
}
