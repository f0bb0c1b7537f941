using CrmAI.Hub.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace CrmAI.Hub.Tests.Dashboard;

/// <summary>
/// One browser context with one page on the dashboard, recording uncaught script errors of the page.
/// </summary>
public sealed class DashboardSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _scriptErrors = [];

    private DashboardSession(IBrowserContext context, IPage page, Uri baseUrl)
    {
        _context = context;
        Page = page;
        BaseUrl = baseUrl;
        page.PageError += (_, error) => _scriptErrors.Add(error);
    }

    public IPage Page { get; }

    public Uri BaseUrl { get; }

    /// <summary>Uncaught errors thrown by the page's scripts so far.</summary>
    public IReadOnlyList<string> ScriptErrors => _scriptErrors;

    public static async Task<DashboardSession> StartAsync(DashboardFixture fixture)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return new DashboardSession(context, page, fixture.Hub.BaseUrl);
    }

    /// <summary>Opens the page at <paramref name="hash"/> (such as <c>#/journal</c>) and enters the API key.</summary>
    public async Task SignInAsync(string hash = "", string key = HubInstance.ApiKey)
    {
        await OpenAsync(hash);
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Use key" }).ClickAsync();
    }

    /// <summary>Loads the page at <paramref name="hash"/>; the key stays in the tab's sessionStorage.</summary>
    public async Task OpenAsync(string hash)
    {
        await Page.GotoAsync(new Uri(BaseUrl, "/" + hash).ToString());
    }

    /// <summary>The tile of one endpoint on the status board.</summary>
    public ILocator Tile(string endpointId) => Page.Locator($"article.tile[data-endpoint='{endpointId}']");

    /// <summary>Saves a full-page screenshot into the test output folder and prints its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(DashboardFixture.ScreenshotDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
        Console.WriteLine($"Screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
