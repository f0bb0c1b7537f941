using System.Text;
using CrmAI.Hub.Alerts;
using CrmAI.Hub.Silo.Telegram;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Telegram;

public sealed class TelegramUnitTests(PostgresServerFixture server)
{
    [Fact]
    public void Mute_LongEndpointId_UsesIncidentFormWithin64Bytes()
    {
        var endpointId = new string('e', 64);
        var incidentId = Guid.NewGuid();

        var data = CallbackData.Mute(endpointId, incidentId, 60);

        Assert.True(Encoding.UTF8.GetByteCount(data) <= CallbackData.MaxBytes, data);
        var parsed = CallbackData.Parse(data);
        Assert.NotNull(parsed);
        Assert.Equal(CallbackAction.Mute, parsed.Action);
        Assert.Equal(incidentId, parsed.IncidentId);
        Assert.Equal(60, parsed.Minutes);
    }

    [Theory]
    [InlineData("ack:nothex")]
    [InlineData("mute:crm:0")]
    [InlineData("mute:crm:abc")]
    [InlineData("other")]
    [InlineData("")]
    public void Parse_InvalidData_ReturnsNull(string data)
    {
        Assert.Null(CallbackData.Parse(data));
    }

    [Fact]
    public void Validate_InvalidSettings_NamesEachKeyWithoutToken()
    {
        var options = new TelegramOptions { BotToken = "not a token", PollTimeout = TimeSpan.FromMinutes(5) };
        options.Routes.Add(new TelegramRoute { ChatId = 0 });

        var result = new TelegramOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("Telegram:BotToken is invalid", message, StringComparison.Ordinal);
        Assert.DoesNotContain("not a token", message, StringComparison.Ordinal);
        Assert.Contains("Telegram:PollTimeout", message, StringComparison.Ordinal);
        Assert.Contains("Telegram:Routes:0:ChatId is missing", message, StringComparison.Ordinal);
        Assert.Contains("Telegram:Routes:0:Endpoints is empty", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TokenWithoutRoutes_Fails()
    {
        var options = new TelegramOptions { BotToken = FakeBotApi.Token };

        var result = new TelegramOptionsValidator().Validate(null, options);

        Assert.Contains("Telegram:Routes is empty", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RouteNotice_MinSeverity_SkipsLowerNotices()
    {
        var options = new TelegramOptions();
        var route = new TelegramRoute { ChatId = 1, MinSeverity = AlertSeverity.Critical };
        route.Endpoints.Add("*");
        options.Routes.Add(route);
        var warning = TelegramHarness.Notice() with { Severity = AlertSeverity.Warning };

        Assert.Empty(options.RouteNotice(warning));
        Assert.Equal([1L], options.RouteNotice(warning with { Severity = AlertSeverity.Critical }));
    }

    [Fact]
    public void Redact_TextWithToken_ReplacesToken()
    {
        var secrets = new TelegramSecrets(FakeBotApi.Token);

        var text = secrets.Redact($"POST http://127.0.0.1/bot{FakeBotApi.Token}/sendMessage failed");

        Assert.Equal($"POST http://127.0.0.1/bot{TelegramSecrets.Placeholder}/sendMessage failed", text);
    }

    [Fact]
    public async Task RunAsync_TwoHubs_OnlyOneRunsAtATime()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(cancellationToken));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = 0;
        var maxRunning = 0;
        var starts = 0;
        async Task WorkAsync(CancellationToken token)
        {
            var now = Interlocked.Increment(ref running);
            Interlocked.Increment(ref starts);
            maxRunning = Math.Max(maxRunning, now);
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
            Interlocked.Decrement(ref running);
        }

        var first = new SingleRunnerLock(dataSource, 42, TimeProvider.System, TelegramHarness.Timings, NullLogger.Instance);
        var second = new SingleRunnerLock(dataSource, 42, TimeProvider.System, TelegramHarness.Timings, NullLogger.Instance);
        var runs = new[] { first.RunAsync(WorkAsync, stop.Token), second.RunAsync(WorkAsync, stop.Token) };

        // Once one runner works, the other tries the lock every LockInterval, so six intervals give it several tries.
        await TelegramHarness.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref starts) > 0), "one runner starts");
        await Task.Delay(TelegramHarness.Timings.LockInterval * 6, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        Assert.Equal(1, maxRunning);
        Assert.Equal(1, starts);
    }
}
