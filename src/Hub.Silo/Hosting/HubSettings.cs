using Microsoft.Extensions.Configuration;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// Settings the host needs before it builds the application, read from configuration (environment variables
/// included).
/// </summary>
public sealed record HubSettings
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Folder of the generated API key and the private PostgreSQL (<c>HUB_DATA_DIR</c>, default <c>.hub</c>).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Npgsql connection string (<c>HUB_POSTGRES</c>); null provisions a private PostgreSQL.</summary>
    public string? Postgres { get; init; }

    /// <summary>The admin API key (<c>HUB_API_KEY</c>); null generates one into the data folder.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Orleans silo-to-silo port (<c>HUB_SILO_PORT</c>, default 11111).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Orleans client gateway port (<c>HUB_GATEWAY_PORT</c>, default 30000).</summary>
    public int GatewayPort { get; init; } = 30000;

    public static HubSettings From(IConfiguration configuration)
    {
        var dataDirectory = configuration["HUB_DATA_DIR"];
        return new HubSettings
        {
            DataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(dataDirectory) ? ".hub" : dataDirectory),
            Postgres = NullIfBlank(configuration["HUB_POSTGRES"]),
            ApiKey = NullIfBlank(configuration["HUB_API_KEY"]),
            SiloPort = Port(configuration, "HUB_SILO_PORT", 11111),
            GatewayPort = Port(configuration, "HUB_GATEWAY_PORT", 30000),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static int Port(IConfiguration configuration, string key, int fallback)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"{key} is '{value}', which is not a TCP port number from 1 to 65535.");
    }
}
