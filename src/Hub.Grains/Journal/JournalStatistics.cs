using Npgsql;

namespace CrmAI.Hub.Journal;

/// <summary>
/// Rows and stored bytes of one endpoint in one retention tier.
/// </summary>
/// <param name="Tier">hot (with bodies), warm (bodies removed) or cold (daily aggregates).</param>
/// <param name="Rows">Journal rows, or for the cold tier the attempts counted in the aggregates.</param>
/// <param name="Bytes">Bytes the rows take in the table, as pg_column_size measures them (TOAST included).</param>
public sealed record JournalTierStats(string EndpointId, string Tier, long Rows, long Bytes);

/// <summary>
/// Counts journal rows and bytes per retention tier and endpoint.
/// </summary>
/// <remarks>
/// The counts read every row of the journal, so on a large journal a request takes seconds.
/// </remarks>
public sealed class JournalStatistics(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT endpoint_id, CASE WHEN bodies_removed THEN 'warm' ELSE 'hot' END, count(*), sum(pg_column_size(j.*))::bigint
        FROM journal_entries j GROUP BY 1, 2
        UNION ALL
        SELECT endpoint_id, 'cold', sum(attempts)::bigint, sum(pg_column_size(d.*))::bigint
        FROM journal_daily d GROUP BY 1
        ORDER BY 1, 2
        """;

    public async Task<IReadOnlyList<JournalTierStats>> ReadAsync(CancellationToken cancellationToken)
    {
        var stats = new List<JournalTierStats>();
        await using var command = dataSource.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stats.Add(new JournalTierStats(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return stats;
    }
}
