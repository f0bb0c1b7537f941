using CrmAI.Hub.Alerts;
using CrmAI.Hub.Silo.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Telegram;

public sealed class TelegramWiringTests
{
    [Fact]
    public void AddHubTelegram_Configuration_BindsRoutesAndNotifier()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = FakeBotApi.Token,
            ["Telegram:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Telegram:Routes:0:ChatId"] = "-100",
            ["Telegram:Routes:0:Endpoints:0"] = "crm",
            ["Telegram:Routes:0:MinSeverity"] = "Warning",
        });

        var options = provider.GetRequiredService<IOptions<TelegramOptions>>().Value;

        var route = Assert.Single(options.Routes);
        Assert.Equal(-100, route.ChatId);
        Assert.Equal(["crm"], route.Endpoints);
        Assert.Equal(AlertSeverity.Warning, route.MinSeverity);
        Assert.Equal([-100L], options.AllowedChatIds);
        Assert.IsType<TelegramNotifier>(provider.GetRequiredService<INotifier>());
    }

    [Fact]
    public void AddHubTelegram_InvalidRoute_FailsWithKey()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Telegram:Routes:0:ChatId"] = "-100" });

        var error = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptions<TelegramOptions>>().Value);

        Assert.Contains("Telegram:Routes:0:Endpoints is empty", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();

        // Never opened: these tests only resolve services.
        services.AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Database=none"));
        services.AddHubTelegram(configuration);
        return services.BuildServiceProvider();
    }
}
