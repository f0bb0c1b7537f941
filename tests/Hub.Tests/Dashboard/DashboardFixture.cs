using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Playwright;
using Xunit;

namespace CrmAI.Hub.Tests.Dashboard;

/// <summary>
/// One hub and one headless Chromium (Debian's package, driven by Playwright) shared by the dashboard tests. Tests
/// use fresh endpoint ids and their own browser contexts, so they do not see each other's keys or pages.
/// </summary>
public sealed class DashboardFixture(PostgresServerFixture server) : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    // Chromium's sandbox does not start as root, and CI runs the tests as root. The resolver rule stops every DNS
    // query of Chromium except for 127.0.0.1, so the tests open the page by that address.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ];

    private IPlaywright? _playwright;

    public HubInstance Hub { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The folder the tests save screenshots into: <c>screenshots/</c> in the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {ChromiumPath}, and the dashboard tests need it. Install it with " +
                "'apt-get install -y chromium' (.ci/run does this when it is missing).");
        }

        Hub = await HubInstance.StartAsync(await server.CreateDatabaseAsync(CancellationToken.None));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Hub is not null)
        {
            await Hub.DisposeAsync();
        }
    }
}
