using System.Net;
using CrmAI.Hub.Demo.Control;
using CrmAI.Hub.Demo.Crm;
using CrmAI.Hub.Demo.Orders;
using CrmAI.Hub.Demo.Store;

namespace CrmAI.Hub.Demo;

/// <summary>Builds and runs the two demo systems, each as its own web application on its own port.</summary>
internal static class DemoHost
{
    public static WebApplication BuildStore(DemoOptions options)
    {
        var builder = CreateBuilder(new DemoSystem("store", "online store", options.StorePort));
        builder.Services.AddSingleton<OrderGenerator>();
        builder.Services.AddSingleton<StoreOrderBook>();
        builder.Services.AddHttpClient<WebhookSender>(client => client.Timeout = WebhookSender.Timeout);

        var app = builder.Build();
        UseDemoPipeline(app);
        app.MapStoreEndpoints();

        return app;
    }

    public static WebApplication BuildCrm(DemoOptions options)
    {
        var builder = CreateBuilder(new DemoSystem("crm", "CRM", options.CrmPort));
        builder.Services.AddSingleton<CrmOrderStore>();

        var app = builder.Build();
        UseDemoPipeline(app);
        app.MapCrmEndpoints(options.CrmToken);

        return app;
    }

    /// <summary>
    /// Starts every application, then waits until one stops (Ctrl+C stops all of them) and stops the rest.
    /// Returns the process exit code: 0 after a normal stop, 1 when an application could not start.
    /// </summary>
    public static async Task<int> RunAsync(params WebApplication[] apps)
    {
        var started = new List<WebApplication>();
        foreach (var app in apps)
        {
            var system = app.Services.GetRequiredService<DemoSystem>();
            var logger = CreateLogger(app, system);
            try
            {
                await app.StartAsync();
                started.Add(app);
                logger.LogListening(system.Title, system.BaseUrl);
            }
            catch (IOException error)
            {
                // The host has already logged the exception with its stack trace, so this line adds only the fix.
                logger.LogStartFailed(system.Title, system.BaseUrl, error.Message, system.Name);
                await StopAllAsync(started);
                return 1;
            }
        }

        await Task.WhenAny(started.Select(app => app.WaitForShutdownAsync()));
        await StopAllAsync(started);

        return 0;
    }

    private static WebApplicationBuilder CreateBuilder(DemoSystem system)
    {
        // The content root is the output folder, so that no appsettings.json of the current folder leaks in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DemoHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, system.Port));

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);

        // Both applications share one console, so the host's own "Press Ctrl+C" lines would print twice.
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Encoder = OrderJson.Options.Encoder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(system);
        builder.Services.AddSingleton<FailureControl>();
        builder.Services.AddSingleton<RequestHistory>();

        return builder;
    }

    /// <summary>Adds routing first, so that the demo middleware can tell control routes from business routes.</summary>
    private static void UseDemoPipeline(WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<DemoRequestMiddleware>();
        app.MapControlEndpoints();
    }

    private static async Task StopAllAsync(IEnumerable<WebApplication> apps)
    {
        foreach (var app in apps)
        {
            var system = app.Services.GetRequiredService<DemoSystem>();
            CreateLogger(app, system).LogStopping(system.Title);
            await app.StopAsync();
        }
    }

    private static ILogger CreateLogger(WebApplication app, DemoSystem system) =>
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(system.Name);
}
