using System.Text.Json.Serialization;
using CrmAI.Hub.Alerts;
using CrmAI.Hub.Api;
using CrmAI.Hub.Endpoints;
using CrmAI.Hub.Exchanges;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Outbound;
using CrmAI.Hub.Retries;
using CrmAI.Hub.Silo.Security;
using CrmAI.Hub.Silo.Storage;
using CrmAI.Hub.Silo.Telegram;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;
using CrmAI.Hub.Api.Security;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// The hub process: a web application that co-hosts an Orleans silo, with its database, journal writer and,
/// in development, its private PostgreSQL. Stopping it stops the API and the silo first, then writes every
/// queued journal entry, and only then releases the database.
/// </summary>
public sealed partial class HubHost : IAsyncDisposable
{
    /// <summary>Orleans ServiceId: it keys stored grain state and reminders, so it never changes.</summary>
    public const string ServiceId = "crmai-hub";

    private readonly NpgsqlDataSource _dataSource;
    private readonly LocalPostgres? _localPostgres;
    private readonly JournalWriter _journalWriter;
    private readonly ILogger _logger;
    private bool _started;

    private HubHost(WebApplication app, NpgsqlDataSource dataSource, LocalPostgres? localPostgres)
    {
        App = app;
        _dataSource = dataSource;
        _localPostgres = localPostgres;
        _journalWriter = app.Services.GetRequiredService<JournalWriter>();
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CrmAI.Hub");
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Prepares the database (provisioning a private PostgreSQL when none is configured), applies the schema and
    /// builds the application. <paramref name="configure"/> may replace services, as tests do.
    /// </summary>
    public static async Task<HubHost> CreateAsync(
        string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        HubSettings settings;
        try
        {
            settings = HubSettings.From(builder.Configuration);
        }
        catch (InvalidOperationException error)
        {
            throw new HubStartException(error.Message, error);
        }

        EnsurePortsFree(settings);
        using var bootLoggers = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole());
        var bootLogger = bootLoggers.CreateLogger("CrmAI.Hub");

        LocalPostgres? localPostgres = null;
        var connectionString = settings.Postgres;
        if (connectionString is null)
        {
            try
            {
                localPostgres = await LocalPostgres.StartAsync(settings.DataDirectory, bootLogger, cancellationToken);
            }
            catch (InvalidOperationException error)
            {
                throw new HubStartException(error.Message, error);
            }

            connectionString = localPostgres.ConnectionString;
        }

        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await SchemaMigrator.ApplyAsync(dataSource, bootLogger, cancellationToken);
            string apiKey;
            try
            {
                apiKey = settings.ApiKey ?? ReadKeyFile(settings.DataDirectory, bootLogger);
            }
            catch (InvalidOperationException error)
            {
                throw new HubStartException(error.Message, error);
            }

            var keysInFolder = !string.IsNullOrWhiteSpace(builder.Configuration[SecurityHostingExtensions.KeysFolderKey]);
            var keyRingSeal = keysInFolder
                ? null
                : await PrepareKeyRingAsync(settings, localPostgres is not null, dataSource, bootLogger, cancellationToken);
            if (keysInFolder && settings.KeyRingKey is not null)
            {
                LogKeyRingKeyIgnored(bootLogger, PostgresXmlRepository.KeySetting, SecurityHostingExtensions.KeysFolderKey);
            }

            ConfigureBuilder(builder, settings, dataSource, connectionString, apiKey, keyRingSeal);
            configure?.Invoke(builder);
            var app = builder.Build();
            MapRoutes(app);
            var database = Describe(connectionString);
            LogDatabase(bootLogger, database, localPostgres is null ? "HUB_POSTGRES" : "private PostgreSQL");
            LogDataDirectory(bootLogger, settings.DataDirectory);
            return new HubHost(app, dataSource, localPostgres);
        }
        catch
        {
            await dataSource.DisposeAsync();
            if (localPostgres is not null)
            {
                await localPostgres.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Starts the hub and returns once it serves requests.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _journalWriter.StartAsync(cancellationToken);
        try
        {
            await App.StartAsync(cancellationToken);
        }
        catch (IOException error) when (error.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new HubStartException(
                $"{error.Message.TrimEnd('.')}. Another program listens there; pass --urls http://127.0.0.1:<free port>.", error);
        }

        _started = true;
        foreach (var address in Addresses)
        {
            LogListening(_logger, address);
        }
    }

    /// <summary>The URLs the API listens on.</summary>
    public IReadOnlyList<string> Addresses =>
        App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Runs until the process is asked to stop (Ctrl+C or SIGTERM), then stops gracefully.</summary>
    public async Task RunAsync()
    {
        await StartAsync();
        await App.WaitForShutdownAsync();
        await StopAsync();
    }

    /// <summary>Stops the API and the silo, then writes every queued journal entry.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        await App.StopAsync(cancellationToken);
        await _journalWriter.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await App.DisposeAsync();
        await _dataSource.DisposeAsync();
        if (_localPostgres is not null)
        {
            await _localPostgres.DisposeAsync();
        }
    }

    // Orleans can share its ports with another silo on some systems without an error, so check them first.
    private static void EnsurePortsFree(HubSettings settings)
    {
        foreach (var (port, variable) in new[] { (settings.SiloPort, "HUB_SILO_PORT"), (settings.GatewayPort, "HUB_GATEWAY_PORT") })
        {
            using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
                System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ExclusiveAddressUse = true };
            try
            {
                probe.Bind(new System.Net.IPEndPoint(settings.Clustered ? settings.AdvertisedAddress : System.Net.IPAddress.Loopback, port));
            }
            catch (System.Net.Sockets.SocketException error)
            {
                throw new HubStartException(
                    $"Orleans port {port} is in use, perhaps by another hub. Set {variable} to a free port.", error);
            }
        }
    }

    private static void ConfigureBuilder(
        WebApplicationBuilder builder, HubSettings settings, NpgsqlDataSource dataSource, string connectionString, string apiKey,
        KeyRingSeal? keyRingSeal)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(HubSettings.DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = HubLimits.MaxRequestBodyBytes);
        builder.Host.ConfigureHostOptions(host => host.ShutdownTimeout = TimeSpan.FromSeconds(45));

        var services = builder.Services;
        services.AddSingleton(dataSource);
        services.AddSingleton(TimeProvider.System);
        services.Configure<ApiKeyOptions>(options => options.AdminKey = apiKey);
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.SectionName);
        services.AddSingleton<JournalWriter>();
        services.AddJournalMaintenance();
        services.AddSingleton<IJournal, JournalStore>();
        services.AddSingleton<IExchangeStore, PostgresExchangeStore>();
        services.AddSingleton<IInboundSignatureStore, PostgresInboundSignatureStore>();
        services.AddOptions<RetryOptions>().BindConfiguration(RetryOptions.SectionName);
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName)
            .Configure<IConfiguration>((alerts, configuration) => alerts.PublicUrl ??= configuration["Hub:PublicUrl"]);
        services.AddSingleton<IncidentStore>();
        services.AddHostedService<IncidentRecheckService>();
        services.AddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton<HostAddresses>();
        services.AddSingleton<OutboundConnector>();
        services.AddSingleton<OutboundSender>();
        services.AddHttpClient(OutboundSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<OutboundConnector>().CreateHandler())
            .RemoveAllLoggers();
        services.AddHubApi();
        services.AddHubTelegram(builder.Configuration);
        builder.AddHubSecurity(settings, keyRingSeal);
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<SiloHealthCheck>("silo", tags: ["ready"]);

        builder.UseOrleans(silo => ConfigureSilo(silo, settings, connectionString));
        builder.AddHubTelemetry();
    }

    private static void ConfigureSilo(ISiloBuilder silo, HubSettings settings, string connectionString)
    {
        if (settings.Clustered)
        {
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = settings.ProbeTimeout;
                options.NumMissedProbesLimit = settings.MissedProbesLimit;
            });
        }
        else
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
        }

        silo.Configure<SiloOptions>(options => options.SiloName = $"{Environment.MachineName}:{settings.SiloPort}");
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = settings.ClusterId;
            options.ServiceId = ServiceId;
        });

        // Exchanges may take up to the longest endpoint timeout plus their wait for a free slot.
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(10));
        silo.AddAdoNetGrainStorage(HubStorage.Name, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });

        // Retry and alert reminders may be shorter than Orleans' one-minute default minimum, in tests for example.
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<RetryOptions>, IOptions<AlertOptions>>(
            (reminders, retries, alerts) =>
            {
                var shortest = TimeSpan.FromTicks(Math.Min(retries.Value.ReminderPeriod.Ticks, alerts.Value.CheckPeriod.Ticks));
                if (shortest < reminders.MinimumReminderPeriod)
                {
                    reminders.MinimumReminderPeriod = shortest;
                }
            });

        // The dashboard's counters come from this silo; its trace view stays off because traces can show data.
        silo.AddDashboard(options => options.HideTrace = true);

        // JSON without CLR type names, so renaming a class never breaks stored state.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(options =>
            options.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
    }

    private static void MapRoutes(WebApplication app)
    {
        app.UseHubApi();
        app.UseHubTelemetry();
        app.MapOrleansDashboard(RouteScopes.OrleansDashboardPath);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }

    // Encrypts the key ring in PostgreSQL under HUB_KEY_RING_KEY, or under a key file in the data folder when the
    // hub provisions its own PostgreSQL. Without either, the key ring stays in plain text and a warning is logged.
    private static async Task<KeyRingSeal?> PrepareKeyRingAsync(
        HubSettings settings, bool privatePostgres, NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var key = settings.KeyRingKey;
            var keySource = PostgresXmlRepository.KeySetting;
            if (key is null && privatePostgres)
            {
                var mayCreate = !await PostgresXmlRepository.IsEncryptedAsync(dataSource, cancellationToken);
                key = KeyRingKeyFile.ReadOrCreate(settings.DataDirectory, mayCreate, out var path);
                keySource = $"the key file {path}";
                LogKeyRingKeyFile(logger, path);
            }

            var seal = key is null ? null : new KeyRingSeal(key);
            var counts = await PostgresXmlRepository.PrepareAsync(dataSource, seal, keySource, cancellationToken);
            if (seal is null)
            {
                LogKeyRingPlain(logger, PostgresXmlRepository.KeySetting);
            }
            else if (counts.NewlySealed > 0)
            {
                LogKeyRingSealed(logger, counts.NewlySealed);
            }

            return seal;
        }
        catch (InvalidOperationException error)
        {
            throw new HubStartException(error.Message, error);
        }
    }

    private static string ReadKeyFile(string dataDirectory, ILogger logger)
    {
        var key = ApiKeyFile.ReadOrCreate(dataDirectory, out var path);
        LogApiKeyFile(logger, path);
        return key;
    }

    // Host, port and database only: never the password.
    private static string Describe(string connectionString)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database} as {parsed.Username}";
    }

    [LoggerMessage(EventId = HubEventIds.HubListening, Level = LogLevel.Information, Message = "Hub API listening on {Address}")]
    private static partial void LogListening(ILogger logger, string address);

    [LoggerMessage(EventId = HubEventIds.HubDatabase, Level = LogLevel.Information, Message = "Database {Database} ({Source})")]
    private static partial void LogDatabase(ILogger logger, string database, string source);

    [LoggerMessage(EventId = HubEventIds.KeyRingPlain, Level = LogLevel.Warning,
        Message = "The Data Protection key ring is stored in PostgreSQL in plain text, so a copy of the database can decrypt the endpoint credentials. Set {Setting} on every silo to encrypt it")]
    private static partial void LogKeyRingPlain(ILogger logger, string setting);

    [LoggerMessage(EventId = HubEventIds.KeyRingKeyIgnored, Level = LogLevel.Warning,
        Message = "{Setting} is ignored, because {FolderSetting} keeps the key ring in a folder, where it is not encrypted")]
    private static partial void LogKeyRingKeyIgnored(ILogger logger, string setting, string folderSetting);

    [LoggerMessage(EventId = HubEventIds.KeyRingSealed, Level = LogLevel.Information,
        Message = "Encrypted the plain keys of the Data Protection key ring in PostgreSQL: {Count}")]
    private static partial void LogKeyRingSealed(ILogger logger, int count);

    [LoggerMessage(EventId = HubEventIds.KeyRingKeyFile, Level = LogLevel.Information,
        Message = "Key ring key in {Path}: back it up with the data folder, because without it the stored credentials cannot be decrypted")]
    private static partial void LogKeyRingKeyFile(ILogger logger, string path);

    [LoggerMessage(EventId = HubEventIds.HubDataDirectory, Level = LogLevel.Information, Message = "Data folder {DataDirectory}")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = HubEventIds.HubApiKeyFile, Level = LogLevel.Information,
        Message = "HUB_API_KEY is unset; the admin API key is in {Path}")]
    private static partial void LogApiKeyFile(ILogger logger, string path);
}
