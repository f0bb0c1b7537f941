using CrmAI.Hub.Outbound;
using CrmAI.Hub.Silo.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;

namespace CrmAI.Hub.Silo.Security;

/// <summary>
/// Wires the outbound address guard and the protection of stored secrets into the host.
/// </summary>
public static class SecurityHostingExtensions
{
    /// <summary>Configuration key of a folder for the Data Protection key ring in place of PostgreSQL.</summary>
    public const string KeysFolderKey = "Hub:DataProtectionKeysFolder";

    // Keys protected under one application name are readable only under the same name, so it never changes.
    private const string ApplicationName = "crmai-hub";
    private const int KestrelMaxHeaderCount = 256;
    private const int KestrelMaxHeaderBytes = 64 * 1024;
    private const int KestrelMaxRequestLineBytes = 64 * 1024;

    /// <summary>
    /// Adds the outbound guard, Kestrel's backstop limits and Data Protection. <paramref name="keyRingSeal"/>
    /// encrypts the key ring in PostgreSQL, or is null to keep it in plain text.
    /// </summary>
    public static WebApplicationBuilder AddHubSecurity(this WebApplicationBuilder builder, HubSettings settings, KeyRingSeal? keyRingSeal)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);

        // The private PostgreSQL means a developer's machine, where the external systems usually run locally too.
        var developmentMode = settings.Postgres is null;
        if (developmentMode && string.IsNullOrWhiteSpace(builder.Configuration[OutboundOptions.AllowPrivateNetworksKey]))
        {
            builder.Configuration.AddInMemoryCollection([new(OutboundOptions.AllowPrivateNetworksKey, "true")]);
            builder.Services.AddHostedService<PrivateNetworkNotice>();
        }

        // Backstops for RequestLimitMiddleware, which returns a ProblemDetails below these limits. Kestrel's default
        // request line limit of 8 KiB would reject a long URL with a bare 414 first.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeaderCount = KestrelMaxHeaderCount;
            kestrel.Limits.MaxRequestHeadersTotalSize = KestrelMaxHeaderBytes;
            kestrel.Limits.MaxRequestLineSize = KestrelMaxRequestLineBytes;
        });

        var services = builder.Services;
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.SectionName);
        services.AddSingleton<IConnectionOpener, SocketConnectionOpener>();
        AddCredentialProtection(services, builder.Configuration[KeysFolderKey], keyRingSeal);
        if (keyRingSeal is not null)
        {
            // Data Protection warns that a new key may be stored unencrypted, because it has no XML encryptor of its
            // own. The repository encrypts every row, so that warning would mislead. Its errors still reach the log.
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        }

        return builder;
    }

    private static void AddCredentialProtection(IServiceCollection services, string? keysFolder, KeyRingSeal? keyRingSeal)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (!string.IsNullOrWhiteSpace(keysFolder))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysFolder));
        }
        else
        {
            services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource>(
                (options, dataSource) => options.XmlRepository = new PostgresXmlRepository(dataSource, keyRingSeal));
        }

        services.AddOptions<SystemTextJsonGrainStorageSerializerOptions>()
            .Configure<IDataProtectionProvider, ILoggerFactory>((options, provider, loggers) =>
            {
                var credentials = new ProtectedAuthConverter(provider, loggers.CreateLogger<ProtectedAuthConverter>());
                options.JsonSerializerOptions.Converters.Add(credentials);
                options.JsonSerializerOptions.Converters.Add(new ProtectedInboundAuthConverter(credentials));
                options.JsonSerializerOptions.Converters.Add(new ProtectedHeadersConverter(credentials));
            });
    }
}
