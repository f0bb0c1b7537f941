using System.Text.Json;
using CrmAI.Hub.Notifications;
using CrmAI.Hub.Silo.Telegram;
using CrmAI.Hub.Tests.Storage;
using Telegram.Bot.Extensions;
using Xunit;

namespace CrmAI.Hub.Tests.Telegram;

public sealed class TelegramDeliveryTests(PostgresServerFixture server)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeliverDueAsync_OneNotice_SendsEscapedHtmlWithButtons()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        var notice = TelegramHarness.Notice(title: "crm <down> & out", lines: ["HTTP 500 <html><b>oops</b>"]);
        await hub.Notifier.NotifyAsync(notice, Token);

        await hub.Delivery.DeliverDueAsync(Token);

        var sent = Assert.Single(hub.Api.Sent);
        Assert.Equal(TelegramHarness.ChatA, sent.ChatId);
        Assert.Equal("html", sent.Body.GetProperty("parse_mode").GetString(), ignoreCase: true);
        Assert.Contains("crm &lt;down&gt; &amp; out", sent.Text, StringComparison.Ordinal);
        Assert.Contains("HTTP 500 &lt;html&gt;&lt;b&gt;oops&lt;/b&gt;", sent.Text, StringComparison.Ordinal);
        var buttons = sent.Body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0];
        Assert.Equal("ack:" + notice.IncidentId.ToString("N"), buttons[0].GetProperty("callback_data").GetString());
        Assert.Equal("mute:crm:60", buttons[1].GetProperty("callback_data").GetString());
        var row = Assert.Single(await hub.ListAsync());
        Assert.Equal(NotificationState.Sent, row.State);
        Assert.NotNull(row.TelegramMessageId);
    }

    [Fact]
    public async Task RunAsync_RateLimitedOnce_WaitsRetryAfterThenSends()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.RateLimitNext(TelegramHarness.ChatA, retryAfterSeconds: 1);
        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(), Token);

        hub.StartDelivery();
        await TelegramHarness.WaitUntilAsync(
            async () => (await hub.ListAsync(NotificationState.Sent)).Count == 1, "the notice is sent");

        var sent = hub.Api.Sent;
        Assert.Equal(2, sent.Count);
        Assert.True(sent[1].At - sent[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {sent[1].At - sent[0].At}");
        var row = Assert.Single(await hub.ListAsync());
        Assert.Equal(2, row.Attempts);
    }

    [Fact]
    public async Task DeliverDueAsync_ChatNotFound_FailsThatChatOnly()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.ChatNotFound(TelegramHarness.ChatA);
        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(endpointId: "store"), Token);

        await hub.Delivery.DeliverDueAsync(Token);
        await hub.Delivery.DeliverDueAsync(Token);

        var rows = await hub.ListAsync();
        var failed = Assert.Single(rows, row => row.ChatId == TelegramHarness.ChatA);
        Assert.Equal(NotificationState.Failed, failed.State);
        Assert.Contains("chat not found", failed.LastError, StringComparison.Ordinal);
        var sent = Assert.Single(rows, row => row.ChatId == TelegramHarness.ChatB);
        Assert.Equal(NotificationState.Sent, sent.State);
        Assert.Single(hub.Api.Sent, request => request.ChatId == TelegramHarness.ChatA);
    }

    [Fact]
    public async Task RunAsync_TransientError_RetriesWithoutTokenInError()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.BadGatewayNext(TelegramHarness.ChatA);
        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(), Token);

        await hub.Delivery.DeliverDueAsync(Token);
        var waiting = Assert.Single(await hub.ListAsync());
        hub.StartDelivery();
        await TelegramHarness.WaitUntilAsync(
            async () => (await hub.ListAsync(NotificationState.Sent)).Count == 1, "the notice is sent");

        Assert.Equal(NotificationState.Pending, waiting.State);
        Assert.Contains("502", waiting.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeBotApi.Token, waiting.LastError, StringComparison.Ordinal);
        Assert.Equal(2, hub.Api.Sent.Count);
    }

    [Fact]
    public async Task RunAsync_GroupMigrated_FollowsAndStoresNewChat()
    {
        const long supergroup = -1009999;
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Api.MigrateNext(TelegramHarness.ChatA, supergroup);
        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(), Token);

        hub.StartDelivery();
        await TelegramHarness.WaitUntilAsync(
            async () => (await hub.ListAsync(NotificationState.Sent)).Count == 1, "the first notice is sent");
        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(), Token);
        await TelegramHarness.WaitUntilAsync(
            async () => (await hub.ListAsync(NotificationState.Sent)).Count == 2, "the second notice is sent");

        var migrations = await hub.Store.GetChatMigrationsAsync(Token);
        Assert.Equal(supergroup, migrations[TelegramHarness.ChatA]);
        var chats = hub.Api.Sent.Select(request => request.ChatId).ToList();
        Assert.Equal([TelegramHarness.ChatA, supergroup, supergroup], chats);
    }

    [Fact]
    public async Task DeliverDueAsync_StormOfFiveNotices_SendsOneGroupedMessage()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        string[] endpoints = ["crm", "shop", "erp", "payments", "mail"];
        foreach (var endpoint in endpoints)
        {
            await hub.Notifier.NotifyAsync(TelegramHarness.Notice(endpointId: endpoint, title: endpoint + " is down"), Token);
        }

        await hub.Delivery.DeliverDueAsync(Token);

        var sent = Assert.Single(hub.Api.Sent);
        Assert.Contains("5 integrations failed: crm, shop, erp, payments, mail", sent.Text, StringComparison.Ordinal);
        Assert.Equal(5, sent.Body.GetProperty("reply_markup").GetProperty("inline_keyboard").GetArrayLength());
        Assert.All(await hub.ListAsync(), row => Assert.Equal(NotificationState.Sent, row.State));
    }

    [Fact]
    public async Task RunAsync_ManyNoticesForOneChat_SendsAtMostOnePerSecond()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        for (var index = 0; index < TelegramDelivery.MaxNoticesPerMessage * 2 + 5; index++)
        {
            await hub.Notifier.NotifyAsync(TelegramHarness.Notice(endpointId: $"e{index}"), Token);
        }

        hub.StartDelivery();
        await TelegramHarness.WaitUntilAsync(
            async () => (await hub.ListAsync(NotificationState.Pending)).Count == 0, "every notice is sent");

        var sent = hub.Api.Sent;
        Assert.Equal(3, sent.Count);
        for (var index = 1; index < sent.Count; index++)
        {
            var gap = sent[index].At - sent[index - 1].At;
            Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"message {index} followed after {gap}");
        }
    }

    [Fact]
    public async Task DeliverDueAsync_LongText_CutWithinLimit()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        var lines = Enumerable.Range(0, 300).Select(index => $"line {index}: <error> & more text to fill").ToList();
        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(lines: lines), Token);

        await hub.Delivery.DeliverDueAsync(Token);

        var sent = Assert.Single(hub.Api.Sent);
        Assert.True(HtmlText.PlainLength(sent.Text) <= 4096, $"plain length {HtmlText.PlainLength(sent.Text)}");
        Assert.EndsWith(AlertMessageFormatter.CutSuffix, HtmlText.ToPlain(sent.Text), StringComparison.Ordinal);
        Assert.Equal(NotificationState.Sent, Assert.Single(await hub.ListAsync()).State);
    }

    [Fact]
    public async Task NotifyAsync_SameNoticeTwice_StoresOneRowPerChat()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        var notice = TelegramHarness.Notice(endpointId: "store");

        await hub.Notifier.NotifyAsync(notice, Token);
        await hub.Notifier.NotifyAsync(notice, Token);

        var rows = await hub.ListAsync();
        Assert.Equal(2, rows.Count);
        Assert.Equal([TelegramHarness.ChatA, TelegramHarness.ChatB], rows.Select(row => row.ChatId).Order().Reverse());
        Assert.All(rows, row => Assert.Equal(notice.NoticeId, row.Notice.NoticeId));
    }

    [Fact]
    public async Task NotifyAsync_NoToken_StoresPendingWithNote()
    {
        await using var hub = await TelegramHarness.StartAsync(server);
        hub.Options.BotToken = null;

        await hub.Notifier.NotifyAsync(TelegramHarness.Notice(), Token);

        var row = Assert.Single(await hub.ListAsync(NotificationState.Pending));
        Assert.Equal(TelegramNotifier.DisabledNote, row.LastError);
        Assert.Empty(hub.Api.Requests);
        Assert.Equal("crm", JsonSerializer.SerializeToElement(row.Notice).GetProperty("EndpointId").GetString());
    }
}
