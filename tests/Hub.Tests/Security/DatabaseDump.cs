using System.Collections;
using System.Text;
using Npgsql;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Reads every value of every table in the public schema as text, so tests can check that a secret is stored
/// nowhere. Byte columns are decoded as UTF-8, which is how grain state and bodies hold text.
/// </summary>
internal static class DatabaseDump
{
    public static async Task<string> ReadAllTextAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var command = dataSource.CreateCommand(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await AppendTableAsync(dataSource, table, dump);
        }

        return dump.ToString();
    }

    private static async Task AppendTableAsync(NpgsqlDataSource dataSource, string table, StringBuilder dump)
    {
        await using var command = dataSource.CreateCommand($"SELECT * FROM \"{table}\"");
        await using var reader = await command.ExecuteReaderAsync();
        dump.Append("== ").AppendLine(table);
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                dump.Append(Render(reader.IsDBNull(i) ? null : reader.GetValue(i))).Append('\t');
            }

            dump.AppendLine();
        }
    }

    private static string Render(object? value) => value switch
    {
        null => "",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string text => text,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Render)),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
