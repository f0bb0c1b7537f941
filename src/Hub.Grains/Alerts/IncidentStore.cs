using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace CrmAI.Hub.Alerts;

/// <summary>
/// The <c>hub_incidents</c> table: alert grains write their incidents, the API lists them.
/// </summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "incident_id, endpoint_id, severity, rules, summary, opened_at, resolved_at, acknowledged_at, acknowledged_by, last_notified_at";

    public async Task SaveAsync(Incident incident, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO hub_incidents ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) " +
            "ON CONFLICT (incident_id) DO UPDATE SET severity = $3, rules = $4, summary = $5, resolved_at = $7, " +
            "acknowledged_at = $8, acknowledged_by = $9, last_notified_at = $10");
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = incident.IncidentId, NpgsqlDbType = NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter { Value = incident.EndpointId, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = incident.Severity.ToString(), NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = incident.Rules.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = incident.Summary, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(Time(incident.OpenedAt));
        p.Add(Time(incident.ResolvedAt));
        p.Add(Time(incident.AcknowledgedAt));
        p.Add(new NpgsqlParameter { Value = (object?)incident.AcknowledgedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(Time(incident.LastNotifiedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Returns open incidents and those resolved most recently, newest first.</summary>
    public async Task<IReadOnlyList<Incident>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM hub_incidents {(openOnly ? "WHERE resolved_at IS NULL " : "")}" +
            "ORDER BY (resolved_at IS NULL) DESC, opened_at DESC LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        var incidents = new List<Incident>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            incidents.Add(Read(reader));
        }

        return incidents;
    }

    public async Task<Incident?> GetAsync(Guid incidentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM hub_incidents WHERE incident_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = incidentId, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { Value = value is { } at ? at.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(ordinal));

    private static Incident Read(DbDataReader reader) => new()
    {
        IncidentId = reader.GetGuid(0),
        EndpointId = reader.GetString(1),
        Severity = Enum.Parse<AlertSeverity>(reader.GetString(2)),
        Rules = reader.GetFieldValue<string[]>(3),
        Summary = reader.GetString(4),
        OpenedAt = ReadTime(reader, 5)!.Value,
        ResolvedAt = ReadTime(reader, 6),
        AcknowledgedAt = ReadTime(reader, 7),
        AcknowledgedBy = reader.IsDBNull(8) ? null : reader.GetString(8),
        LastNotifiedAt = ReadTime(reader, 9),
    };
}
