using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Dashboard;

/// <summary>
/// The dashboard files are served from the Hub.Api assembly without an API key, while /api still needs one.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class DashboardServingTests(HubFixture fixture)
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/dashboard.css", "text/css")]
    public async Task Get_DashboardFileWithoutKey_Returns200(string path, string mediaType)
    {
        using var client = new HttpClient { BaseAddress = fixture.Hub.BaseUrl };

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_RootWithoutKey_ReturnsThePage()
    {
        using var client = new HttpClient { BaseAddress = fixture.Hub.BaseUrl };

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("<title>CrmAI Hub</title>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live", HttpStatusCode.OK)]
    [InlineData("/api/status", HttpStatusCode.Unauthorized)]
    [InlineData("/missing.js", HttpStatusCode.NotFound)]
    public async Task Get_WithoutKey_KeepsApiProtected(string path, HttpStatusCode expected)
    {
        using var client = new HttpClient { BaseAddress = fixture.Hub.BaseUrl };

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }
}
