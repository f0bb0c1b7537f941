using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace CrmAI.Hub.Tests.Storage;

/// <summary>
/// A single co-hosted silo whose grain storage and reminders use the ADO.NET providers on PostgreSQL.
/// Disposing it stops the silo gracefully.
/// </summary>
internal sealed class ProbeSilo(IHost host) : IAsyncDisposable
{
    public const string StorageName = "hub";
    public const string ClusterId = "storage-tests";

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<ProbeSilo> StartAsync(
        string connectionString, string serviceId, ILoggerProvider loggerProvider, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(loggerProvider);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FindFreePort(), gatewayPort: FindFreePort());
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = serviceId;
            });
            silo.AddAdoNetGrainStorage(StorageName, options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(options => options.Configure(reminders =>
            {
                reminders.Invariant = "Npgsql";
                reminders.ConnectionString = connectionString;
            }));
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.UseSystemTextJsonGrainStorageSerializer();
        });

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new ProbeSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
