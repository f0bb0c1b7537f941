using CrmAI.Hub.Contracts;
using CrmAI.Hub.Tests.Storage;
using Xunit;

namespace CrmAI.Hub.Tests.Telegram;

public sealed class TelegramPollerTests(PostgresServerFixture server)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_AckFromAllowedChat_AcknowledgesOnce()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        var notice = TelegramHarness.Notice();
        await hub.Notifier.NotifyAsync(notice, Token);
        var data = "ack:" + notice.IncidentId.ToString("N");
        hub.Api.AddCallbackUpdate(TelegramHarness.ChatA, userId: 777, data, queryId: "q1");
        hub.Api.AddCallbackUpdate(TelegramHarness.ChatA, userId: 777, data, queryId: "q2");

        hub.StartPoller();
        await TelegramHarness.WaitUntilAsync(
            () => Task.FromResult(hub.Api.Requests.Count(r => r.Method == "answerCallbackQuery") == 2),
            "both presses are answered");

        Assert.Equal(2, hub.Commands.Calls.Count);
        Assert.All(hub.Commands.Calls, call =>
            Assert.Equal($"ack crm {notice.IncidentId:N} telegram:777", call));
        var answers = hub.Api.Requests.Where(r => r.Method == "answerCallbackQuery")
            .Select(r => r.Body.GetProperty("text").GetString()).ToList();
        Assert.Equal(["Acknowledged.", "Already acknowledged, or no longer open."], answers);
        var edit = Assert.Single(hub.Api.Requests, r => r.Method == "editMessageReplyMarkup");
        var remaining = edit.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0];
        Assert.Equal("mute:crm:60", Assert.Single(remaining.EnumerateArray()).GetProperty("callback_data").GetString());
        var audited = Assert.Single(await hub.Audit.QueryAsync(null, null, "telegram:777", 10, Token));
        Assert.Equal("incident.acknowledged", audited.Action);
        Assert.Equal(notice.IncidentId.ToString(), audited.Target);
        Assert.Equal("telegram", audited.KeyId);
        Assert.Contains($"chat {TelegramHarness.ChatA}", audited.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MuteButton_MutesEndpointForAnHour()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.AddCallbackUpdate(TelegramHarness.ChatB, userId: 5, "mute:store:60", queryId: "q1");

        hub.StartPoller();
        await TelegramHarness.WaitUntilAsync(
            () => Task.FromResult(hub.Api.Requests.Any(r => r.Method == "answerCallbackQuery")), "the press is answered");

        Assert.Equal("mute store 60 telegram:5", Assert.Single(hub.Commands.Calls));
        var audited = Assert.Single(await hub.Audit.QueryAsync(null, null, "telegram:5", 10, Token));
        Assert.Equal("endpoint.muted", audited.Action);
        Assert.Equal("store", audited.Target);
        Assert.Contains("60 min", audited.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownChat_IsIgnored()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.AddMessageUpdate(chatId: -555, userId: 1, "/status");
        hub.Api.AddCallbackUpdate(chatId: -555, userId: 1, "mute:crm:60", queryId: "q1");
        hub.Api.AddMessageUpdate(TelegramHarness.ChatA, userId: 1, "/status");

        hub.StartPoller();
        await TelegramHarness.WaitUntilAsync(() => Task.FromResult(hub.Api.Sent.Count == 1), "the allowed chat is answered");

        Assert.Equal(TelegramHarness.ChatA, Assert.Single(hub.Api.Sent).ChatId);
        Assert.Empty(hub.Commands.Calls);
        Assert.DoesNotContain(hub.Api.Requests, r => r.Method == "answerCallbackQuery");
    }

    [Fact]
    public async Task RunAsync_StatusCommand_RepliesOneEscapedLinePerEndpoint()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Commands.Statuses.Add(new EndpointStatus { EndpointId = "crm", Status = HealthStatus.Down, Pending = 3 });
        hub.Commands.Statuses.Add(new EndpointStatus { EndpointId = "a<b>&c", Status = HealthStatus.Healthy });
        hub.Api.AddMessageUpdate(TelegramHarness.ChatA, userId: 1, "/status@hub_bot");

        hub.StartPoller();
        await TelegramHarness.WaitUntilAsync(() => Task.FromResult(hub.Api.Sent.Count == 1), "/status is answered");

        var lines = hub.Api.Sent[0].Text.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("crm: Down, last success never", lines[1], StringComparison.Ordinal);
        Assert.Contains("pending 3", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("a&lt;b&gt;&amp;c: Healthy", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Restart_ResumesAfterStoredOffset()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.AddMessageUpdate(TelegramHarness.ChatA, userId: 1, "/status");
        hub.StartPoller();
        await TelegramHarness.WaitUntilAsync(() => Task.FromResult(hub.Api.Sent.Count == 1), "/status is answered");

        await TelegramHarness.WaitUntilAsync(
            async () => await hub.Store.GetUpdateOffsetAsync(hub.Client.BotId, Token) == 2, "the offset is stored");
        hub.StartPoller();
        await TelegramHarness.WaitUntilAsync(
            () => Task.FromResult(hub.Api.Requests.Count(r => r.Method == "getUpdates") >= 4), "both pollers poll");

        Assert.Single(hub.Api.Sent);
    }
}
