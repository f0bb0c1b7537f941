using System.Net;
using CrmAI.Hub.Silo.Security;
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

    /// <summary>
    /// Key that encrypts the Data Protection key ring in PostgreSQL (<c>HUB_KEY_RING_KEY</c>, the base64 of 32
    /// bytes). Null keeps the key ring in plain text, unless the hub provisions a private PostgreSQL.
    /// </summary>
    public byte[]? KeyRingKey { get; init; }

    /// <summary>Orleans silo-to-silo port (<c>HUB_SILO_PORT</c>, default 11111).</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Orleans client gateway port (<c>HUB_GATEWAY_PORT</c>, default 30000).</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>
    /// True when the silo joins a cluster through the membership table in PostgreSQL (<c>HUB_CLUSTERING=adonet</c>);
    /// false for a single hub on its own (<c>localhost</c>, the default).
    /// </summary>
    public bool Clustered { get; init; }

    /// <summary>Orleans ClusterId: silos with the same one form a cluster (<c>HUB_CLUSTER_ID</c>, default crmai-hub).</summary>
    public string ClusterId { get; init; } = "crmai-hub";

    /// <summary>Address other silos reach this one on (<c>HUB_ADVERTISED_ADDRESS</c>, default 127.0.0.1).</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Time a silo waits for a probe response before counting it missed (<c>HUB_PROBE_TIMEOUT</c>, default 5 s).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Missed probes after which a silo is suspected (<c>HUB_MISSED_PROBES</c>, default 3). A dead silo is declared
    /// dead after about this many probe timeouts, once two silos agree.
    /// </summary>
    public int MissedProbesLimit { get; init; } = 3;

    public static HubSettings From(IConfiguration configuration)
    {
        var dataDirectory = configuration["HUB_DATA_DIR"];
        return new HubSettings
        {
            DataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(dataDirectory) ? ".hub" : dataDirectory),
            Postgres = NullIfBlank(configuration["HUB_POSTGRES"]),
            ApiKey = NullIfBlank(configuration["HUB_API_KEY"]),
            KeyRingKey = NullIfBlank(configuration["HUB_KEY_RING_KEY"]) is { } keyRingKey
                ? ParseKeyRingKey(keyRingKey, "HUB_KEY_RING_KEY", $"Generate a key with 'openssl rand -base64 {KeyRingSeal.KeyBytes}'.")
                : null,
            SiloPort = Port(configuration, "HUB_SILO_PORT", 11111),
            GatewayPort = Port(configuration, "HUB_GATEWAY_PORT", 30000),
            Clustered = Clustering(configuration["HUB_CLUSTERING"]),
            ClusterId = NullIfBlank(configuration["HUB_CLUSTER_ID"]) ?? "crmai-hub",
            AdvertisedAddress = Address(configuration["HUB_ADVERTISED_ADDRESS"]),
            ProbeTimeout = TimeSpan.FromSeconds(Count(configuration, "HUB_PROBE_TIMEOUT", 5, "a whole number of seconds from 1 to 600", 600)),
            MissedProbesLimit = Count(configuration, "HUB_MISSED_PROBES", 3, "a whole number from 1 to 100", 100),
        };
    }

    /// <summary>
    /// Decodes a key ring key. The error names <paramref name="source"/>, ends with <paramref name="fix"/> and never
    /// contains the value.
    /// </summary>
    /// <exception cref="InvalidOperationException">The text is not the base64 of 32 bytes.</exception>
    public static byte[] ParseKeyRingKey(string text, string source, string fix)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new byte[KeyRingSeal.KeyBytes];
        if (Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == KeyRingSeal.KeyBytes)
        {
            return buffer;
        }

        throw new InvalidOperationException($"{source} is not the base64 of {KeyRingSeal.KeyBytes} bytes. {fix}");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool Clustering(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "localhost" => false,
        "adonet" => true,
        _ => throw new InvalidOperationException(
            $"HUB_CLUSTERING is '{value}'; use 'localhost' for a single hub or 'adonet' for a cluster on PostgreSQL."),
    };

    private static IPAddress Address(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(value.Trim(), out var address)
            ? address
            : throw new InvalidOperationException($"HUB_ADVERTISED_ADDRESS is '{value}', which is not an IP address.");
    }

    private static int Count(IConfiguration configuration, string key, int fallback, string expected, int max)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, out var number) && number >= 1 && number <= max
            ? number
            : throw new InvalidOperationException($"{key} is '{value}', which is not {expected}.");
    }

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
