using CrmAI.Hub.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace CrmAI.Hub.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium against a real hub and external systems on 127.0.0.1.
/// </summary>
public sealed class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private static readonly object Order = new
    {
        operation = "createOrder",
        method = "POST",
        path = "/orders",
        body = new { order = new { id = "A-10045", total = 12.5 } },
    };

    private readonly List<IAsyncDisposable> _resources = [];

    private HubInstance Hub => fixture.Hub;

    public ValueTask InitializeAsync()
    {
        // Status refreshes every 5 s, so a change may take a refresh and a health round to appear.
        SetDefaultExpectTimeout(20_000);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Board_SeveralStates_ShowsStatusWords()
    {
        var healthy = await SystemAsync(Respond.Json(200, """{"ok":true}"""));
        var failing = await SystemAsync(Respond.Json(500, """{"error":"database unavailable"}"""));
        var locked = await SystemAsync(Respond.Json(401, """{"error":"token expired"}"""));
        // One prefix for the three, so the filter shows just them: health is fetched only for tiles on screen,
        // and other tests of this hub add up to 200 endpoints.
        var run = $"b{Guid.NewGuid():N}"[..9];
        var shop = $"{run}-shop";
        var crm = $"{run}-crm";
        var erp = $"{run}-erp";
        await Hub.PutEndpointAsync(shop, new { baseUrl = healthy.BaseUrl });
        await Hub.PutEndpointAsync(crm, DownAfterOneFailure(failing));
        await Hub.PutEndpointAsync(erp, new { baseUrl = locked.BaseUrl, retry = new { authProbeInterval = "1h" } });
        await Hub.ExchangeAsync(shop, Order);
        await Hub.ExchangeAsync(shop, Order);
        await Hub.ExchangeAsync(crm, Order);
        await Hub.ExchangeAsync(erp, Order);
        var session = await SessionAsync();

        await session.SignInAsync();
        await session.Page.GetByLabel("Filter").FillAsync(run);

        await Expect(session.Tile(shop).Locator(".status-word")).ToHaveTextAsync("Healthy");
        await Expect(session.Tile(crm).Locator(".status-word")).ToHaveTextAsync("Down");
        await Expect(session.Tile(erp).Locator(".status-word")).ToHaveTextAsync("AuthFailed");
        await Expect(session.Page.Locator(".overall .badge")).ToContainTextAsync("Down");
        await Expect(Fact(session.Tile(shop), "Last hour")).ToHaveTextAsync("2 exchanges, 0 failed");
        await Expect(Fact(session.Tile(shop), "Last success").Locator("time")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("UTC"));
        await Expect(Fact(session.Tile(crm), "Pending")).ToHaveTextAsync("1");
        await Expect(Fact(session.Tile(crm), "Last hour")).ToHaveTextAsync("1 exchange, 1 failed");
        await Expect(Fact(session.Tile(erp), "Parked")).ToHaveTextAsync("1");
        await Expect(session.Tile(crm).Locator("svg.trend rect.bar-failures")).ToHaveCountAsync(1);
        await session.ScreenshotAsync("board");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Board_EndpointBreaks_TileTurnsDownWithoutReload()
    {
        var system = await SystemAsync(Respond.Json(200, """{"ok":true}"""));
        var crm = HubFixture.NewEndpointId("crm");
        await Hub.PutEndpointAsync(crm, DownAfterOneFailure(system));
        await Hub.ExchangeAsync(crm, Order);
        var session = await SessionAsync();
        await session.SignInAsync();
        await Expect(session.Tile(crm).Locator(".status-word")).ToHaveTextAsync("Healthy");
        await session.Page.EvaluateAsync("() => { window.loadedOnce = true; }");

        system.Default = Respond.Json(503, """{"error":"maintenance"}""");
        await Hub.ExchangeAsync(crm, Order);

        await Expect(session.Tile(crm).Locator(".status-word")).ToHaveTextAsync("Down");
        await Expect(Fact(session.Tile(crm), "Pending")).ToHaveTextAsync("1");
        Assert.True(await session.Page.EvaluateAsync<bool>("() => window.loadedOnce === true"));
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Board_TileActions_MuteAndReplayDeadLetters()
    {
        var system = await SystemAsync(Respond.Json(500, """{"error":"down"}"""));
        var crm = HubFixture.NewEndpointId("crm");
        await Hub.PutEndpointAsync(crm, new { baseUrl = system.BaseUrl, retry = new { immediate = 0, maxAttempts = 1 } });
        await Hub.ExchangeAsync(crm, Order);
        var session = await SessionAsync();
        await session.SignInAsync();
        var tile = session.Tile(crm);
        await Expect(Fact(tile, "Dead letters")).ToHaveTextAsync("1");

        var mute = tile.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Mute alerts 1 h" });
        await mute.FocusAsync();
        await session.Page.Keyboard.PressAsync("Enter");
        await Expect(tile.Locator(".tile-note")).ToContainTextAsync("Alerts muted until");
        await Expect(tile.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Unmute alerts" }))
            .ToHaveAttributeAsync("aria-pressed", "true");

        system.Default = Respond.Json(200, """{"ok":true}""");
        await tile.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Replay 1 dead letter" }).ClickAsync();
        await Expect(tile.Locator(".tile-note")).ToHaveTextAsync("Replaying 1 dead letter.");
        await Expect(Fact(tile, "Dead letters")).ToHaveTextAsync("0");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Board_TwoHundredEndpoints_LimitsHealthCalls()
    {
        var system = await SystemAsync(Respond.Json(200, """{"ok":true}"""));
        var ids = Enumerable.Range(0, 200).Select(i => $"many-{i:D3}-{Guid.NewGuid():N}"[..20]).ToList();
        foreach (var chunk in ids.Chunk(20))
        {
            await Task.WhenAll(chunk.Select(id => Hub.PutEndpointAsync(id, new { baseUrl = system.BaseUrl })));
        }

        var session = await SessionAsync();
        var healthCalls = 0;
        var statusCalls = 0;
        session.Page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/health", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref healthCalls);
            }
            else if (request.Url.EndsWith("/api/status", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref statusCalls);
            }
        };
        await session.SignInAsync();
        await Expect(session.Tile(ids[^1])).ToHaveCountAsync(1);
        await Expect(session.Page.Locator("article.tile")).ToHaveCountAsync(await CountEndpointsAsync());

        // Long enough for one timed refresh after the key check and the first load, which also call /api/status.
        await session.Page.WaitForTimeoutAsync(6_000);

        Assert.InRange(statusCalls, 3, 5);
        Assert.InRange(healthCalls, 1, 60);
        await session.Page.GetByLabel("Filter").FillAsync(ids[150]);
        await Expect(session.Page.Locator("article.tile:visible")).ToHaveCountAsync(1);
        await Expect(Fact(session.Tile(ids[150]), "Last hour")).ToHaveTextAsync("0 exchanges, 0 failed");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Journal_FilterAndOpenEntry_ShowsIndentedJson()
    {
        var store = await SystemAsync(Respond.Json(200, """{"order":{"id":"A-10045","lines":[{"sku":"X1","qty":2}]}}"""));
        var other = await SystemAsync(Respond.Json(200, """{"ok":true}"""));
        var shop = HubFixture.NewEndpointId("shop");
        var crm = HubFixture.NewEndpointId("crm");
        await Hub.PutEndpointAsync(shop, new { baseUrl = store.BaseUrl });
        await Hub.PutEndpointAsync(crm, new { baseUrl = other.BaseUrl });
        await Hub.ExchangeAsync(shop, Order);
        store.Enqueue(Respond.Json(422, """{"error":"unknown order"}"""));
        await Hub.ExchangeAsync(shop, new { operation = "cancelOrder", method = "DELETE", path = "/orders/A-1" });
        await Hub.ExchangeAsync(crm, Order);
        var session = await SessionAsync();
        await session.SignInAsync("#/journal");

        await session.Page.GetByLabel("Endpoint").FillAsync(shop);
        await session.Page.GetByLabel("Outcome").SelectOptionAsync("Success");
        await session.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Search" }).ClickAsync();

        var rows = session.Page.Locator("table.journal-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        Assert.Contains($"endpoint={shop}", session.Page.Url, StringComparison.Ordinal);
        Assert.Contains("outcome=Success", session.Page.Url, StringComparison.Ordinal);
        await Expect(rows.First).ToContainTextAsync("createOrder");
        await session.ScreenshotAsync("journal");

        await rows.First.Locator("td").First.GetByRole(AriaRole.Link).ClickAsync();
        var response = session.Page.Locator("section.message", new PageLocatorOptions { HasText = "Response" }).Locator("pre");
        await Expect(response).ToContainTextAsync("A-10045");
        var pretty = await response.TextContentAsync();
        Assert.Contains("{\n  \"order\": {\n    \"id\": \"A-10045\",", pretty, StringComparison.Ordinal);
        await Expect(session.Page.Locator("section.exchange .exchange-status")).ToHaveTextAsync("✓ Succeeded");
        await session.ScreenshotAsync("journal-entry");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Entry_FollowedRedirect_ListsHop()
    {
        var store = await SystemAsync(Respond.Json(200, """{"ok":true}"""));
        store.Enqueue(Respond.Bytes(302, null, [], new Dictionary<string, string> { ["Location"] = "/v2/orders" }));
        var shop = HubFixture.NewEndpointId("shop");
        await Hub.PutEndpointAsync(shop, new { baseUrl = store.BaseUrl, maxRedirects = 2 });
        var result = await Hub.ExchangeAsync(shop, Order);
        var session = await SessionAsync();

        await session.SignInAsync($"#/journal/{result.GetProperty("journalEntryId").GetString()}");

        var hops = session.Page.Locator("ol.redirects li");
        await Expect(hops).ToHaveCountAsync(1);
        await Expect(hops.First).ToContainTextAsync("HTTP 302");
        await Expect(hops.First).ToContainTextAsync("/v2/orders");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Journal_LinkWithFilter_OpensSameView()
    {
        var store = await SystemAsync(Respond.Json(200, """{"ok":true}"""));
        var shop = HubFixture.NewEndpointId("shop");
        await Hub.PutEndpointAsync(shop, new { baseUrl = store.BaseUrl });
        await Hub.ExchangeAsync(shop, Order);
        store.Enqueue(Respond.Json(422, """{"error":"unknown order"}"""));
        await Hub.ExchangeAsync(shop, new { operation = "cancelOrder", method = "DELETE", path = "/orders/A-1" });
        for (var i = 0; i < 3; i++)
        {
            await Hub.ExchangeAsync(shop, Order);
        }

        var session = await SessionAsync();
        await session.SignInAsync($"#/journal?endpoint={shop}&outcome=HttpError");

        var rows = session.Page.Locator("table.journal-table tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("cancelOrder");
        await Expect(rows.First.Locator("td").Nth(4)).ToHaveTextAsync("422");
        await Expect(session.Page.GetByLabel("Outcome")).ToHaveValueAsync("HttpError");

        await session.OpenAsync($"#/journal?endpoint={shop}&limit=2");
        await Expect(rows).ToHaveCountAsync(2);
        await session.Page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Next page (older)" }).ClickAsync();
        await Expect(session.Page.Locator("[role=status]", new PageLocatorOptions { HasText = "older entries" })).ToBeVisibleAsync();
        Assert.Contains("cursor=", session.Page.Url, StringComparison.Ordinal);
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Replay_FailedExchange_ShowsSucceeded()
    {
        var system = await SystemAsync(Respond.Json(200, """{"accepted":true}"""));
        system.Enqueue(Respond.Json(422, """{"error":"vat number invalid"}"""));
        var erp = HubFixture.NewEndpointId("erp");
        await Hub.PutEndpointAsync(erp, new { baseUrl = system.BaseUrl });
        var failed = await Hub.ExchangeAsync(erp, Order);
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        var session = await SessionAsync();
        await session.SignInAsync($"#/journal/{failed.GetProperty("journalEntryId").GetString()}");
        var status = session.Page.Locator("section.exchange .exchange-status");
        await Expect(status).ToHaveAttributeAsync("data-status", "Failed");

        await session.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Replay" }).ClickAsync();

        await Expect(status).ToHaveAttributeAsync("data-status", "Succeeded");
        await Expect(status).ToHaveTextAsync("✓ Succeeded");
        await Expect(session.Page.Locator("section.exchange tbody tr")).ToHaveCountAsync(2);
        await Expect(session.Page.Locator("section.exchange .tile-note")).ToHaveTextAsync("Replay ended with Succeeded (Success).");
        await Expect(session.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Replay" })).ToHaveCountAsync(0);
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task SignIn_WrongKey_ShowsRejectedMessage()
    {
        var session = await SessionAsync();

        await session.SignInAsync(key: "not-the-key");

        await Expect(session.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The hub rejected the API key (API key invalid)");
        await Expect(session.Page.GetByLabel("API key")).ToBeVisibleAsync();
        await Expect(session.Page.GetByLabel("API key")).ToBeFocusedAsync();
        Assert.Null(await session.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('crmai-hub.api-key')"));
        await session.ScreenshotAsync("wrong-key");
        Assert.Empty(session.ScriptErrors);
    }

    [Fact]
    public async Task Board_HubUnreachable_ShowsMessageAndRecovers()
    {
        var session = await SessionAsync();
        await session.SignInAsync();
        await Expect(session.Page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Status board" })).ToBeVisibleAsync();

        await session.Page.RouteAsync("**/api/**", route => route.AbortAsync());

        var banner = session.Page.Locator("#connection");
        await Expect(banner).ToContainTextAsync("Cannot reach the hub at");
        await Expect(session.Page.Locator(".summary .form-message")).ToContainTextAsync("The status could not be refreshed");
        await session.Page.UnrouteAllAsync();
        await Expect(banner).ToBeHiddenAsync();
        Assert.Empty(session.ScriptErrors);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in _resources)
        {
            await resource.DisposeAsync();
        }
    }

    private static object DownAfterOneFailure(ExternalSystem system) => new
    {
        baseUrl = system.BaseUrl,
        retry = new { immediate = 0, schedule = new[] { "1h" } },
        health = new { downAfterConsecutiveFailures = 1 },
    };

    private static ILocator Fact(ILocator tile, string term) =>
        tile.Locator(".fact", new LocatorLocatorOptions { Has = tile.Page.Locator("dt", new PageLocatorOptions { HasTextString = term }) })
            .Locator("dd");

    private async Task<int> CountEndpointsAsync() =>
        (await Hub.GetJsonAsync("/api/status")).GetProperty("endpoints").GetArrayLength();

    private async Task<ExternalSystem> SystemAsync(Func<Microsoft.AspNetCore.Http.HttpContext, Task> respond)
    {
        var system = await ExternalSystem.StartAsync();
        system.Default = respond;
        _resources.Add(system);
        return system;
    }

    private async Task<DashboardSession> SessionAsync()
    {
        var session = await DashboardSession.StartAsync(fixture);
        _resources.Add(session);
        return session;
    }
}
