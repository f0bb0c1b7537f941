using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrmAI.Hub.Outbound;
using CrmAI.Hub.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// A real hub (web API plus Orleans silo) on free ports of 127.0.0.1 against a test database, with a client that
/// sends its API key.
/// </summary>
public sealed class HubInstance : IAsyncDisposable
{
    public const string ApiKey = "test-admin-key-7f3a";

    /// <summary>The key ring key of every hub of the test run, so hubs and restarts on one database agree.</summary>
    public static readonly string KeyRingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly HubHost _host;

    private HubInstance(HubHost host, string connectionString, string dataDirectory, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        _host = host;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        Settings = settings;
        BaseUrl = new Uri(host.Addresses[0]);
        Client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client that sends the admin key with every request.</summary>
    public HttpClient Client { get; }

    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _host.Services;

    private IReadOnlyList<KeyValuePair<string, string>> Settings { get; }

    /// <summary>
    /// Starts a hub on the given database; extra settings are added as configuration keys, and
    /// <paramref name="services"/> may replace services after the test resolver is in place.
    /// </summary>
    public static async Task<HubInstance> StartAsync(
        string connectionString,
        string? dataDirectory = null,
        IReadOnlyList<KeyValuePair<string, string>>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("hub-test-data-").FullName;
        settings ??= [];

        // The Orleans ports are free when picked but not held, so another hub or connection may take one before this
        // hub binds it. The hub rejects a port in use when it starts, and the next pass picks a new pair.
        const int maxPortTries = 3;
        HubHost host;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                host = await HubHost.CreateAsync(Arguments(connectionString, dataDirectory, settings), builder =>
                {
                    builder.Services.Replace(ServiceDescriptor.Singleton<IHostResolver, TestHostResolver>());
                    services?.Invoke(builder.Services);
                });
                break;
            }
            catch (HubStartException error) when (
                attempt < maxPortTries && error.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                // A port was taken meanwhile, so the next pass picks new ones.
            }
        }

        await host.StartAsync();
        return new HubInstance(host, connectionString, dataDirectory, settings);
    }

    /// <summary>Stops this hub gracefully and starts a new one on the same database and data folder.</summary>
    public async Task<HubInstance> RestartAsync()
    {
        await DisposeAsync();
        return await StartAsync(ConnectionString, DataDirectory, Settings);
    }

    public Task StopAsync() => _host.StopAsync();

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new HttpRequestException($"GET {path} gave {(int)response.StatusCode}: {text}");
    }

    public async Task PutEndpointAsync(string endpointId, object config)
    {
        using var response = await Client.PutAsJsonAsync($"/api/endpoints/{endpointId}", config, Json);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"PUT endpoint {endpointId} gave {(int)response.StatusCode}: {text}");
        }
    }

    /// <summary>Runs an exchange and returns the 200 response body.</summary>
    public async Task<JsonElement> ExchangeAsync(string endpointId, object exchange)
    {
        using var response = await Client.PostAsJsonAsync($"/api/endpoints/{endpointId}/exchanges", exchange, Json);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new HttpRequestException($"exchange on {endpointId} gave {(int)response.StatusCode}: {text}");
    }

    /// <summary>Reads the full journal entry of an exchange result.</summary>
    public Task<JsonElement> JournalEntryOfAsync(JsonElement exchangeResult) =>
        GetJsonAsync($"/api/journal/{exchangeResult.GetProperty("journalEntryId").GetString()}");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();

        // Orleans' ADO.NET providers connect through Npgsql's global pool, which keeps idle connections open for
        // minutes after the hub stops. Closing them keeps the suite's many hubs under the server's connection limit.
        using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection);
    }

    private static string[] Arguments(
        string connectionString, string dataDirectory, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        // The first port is free again once picked, so the system may hand it out twice.
        var siloPort = FreePort();
        int gatewayPort;
        do
        {
            gatewayPort = FreePort();
        }
        while (gatewayPort == siloPort);

        var args = new List<string>
        {
            "--HUB_POSTGRES", connectionString,
            "--HUB_API_KEY", ApiKey,
            "--HUB_KEY_RING_KEY", KeyRingKey,
            "--HUB_DATA_DIR", dataDirectory,
            "--HUB_SILO_PORT", siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--HUB_GATEWAY_PORT", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default", "Warning",

            // The external systems of the tests listen on 127.0.0.1; security tests pass false to test the guard.
            "--Hub:AllowPrivateNetworks", "true",

            // Every test client is 127.0.0.1, so failed inbound requests of unrelated tests would hold each other back.
            "--ApiLimits:InboundFailuresPerMinute", "1000000",
        };
        foreach (var (key, value) in settings)
        {
            args.Add($"--{key}");
            args.Add(value);
        }

        return [.. args];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
