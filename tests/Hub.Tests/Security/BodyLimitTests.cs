using System.Net;
using System.Net.Http.Json;
using System.Text;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Body limits per endpoint (<c>maxBodyBytes</c>, 1 MiB by default) for exchanges and inbound data, the range of the
/// endpoint limits, and the query limits of every route, each rejected with a ProblemDetails that names the limit.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class BodyLimitTests(HubFixture fixture) : IAsyncLifetime
{
    private const int Limit = 2048;

    private readonly HubInstance _hub = fixture.Hub;
    private ExternalSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await ExternalSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Exchange_BodyAtLimit_Sent()
    {
        var id = await CreateEndpointAsync(Limit);

        var result = await _hub.ExchangeAsync(id, Post(new string('a', Limit)));

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.Equal(Limit, Assert.Single(_system.Requests).Body.Length);
    }

    [Fact]
    public async Task Exchange_BodyOverLimit_Gets413()
    {
        var id = await CreateEndpointAsync(Limit);

        using var response = await _hub.Client.PostAsJsonAsync($"/api/endpoints/{id}/exchanges", Post(new string('a', Limit + 1)),
            TestContext.Current.CancellationToken);
        var problem = await RawResponse.ReadAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", problem.MediaType);
        Assert.Contains($"maxBodyBytes of endpoint '{id}' allows {Limit}", problem.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("body", problem.Json.GetProperty("field").GetString());
        Assert.Empty(_system.Requests);
    }

    [Fact]
    public async Task Exchange_MultibyteBodyOverLimit_CountsUtf8Bytes()
    {
        var id = await CreateEndpointAsync(Limit);

        // 1,100 Cyrillic letters are 2,200 bytes of UTF-8.
        using var response = await _hub.Client.PostAsJsonAsync($"/api/endpoints/{id}/exchanges", Post(new string('ж', 1100)),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_SubmissionFarOverLimit_StoppedWhileReading()
    {
        var id = await CreateEndpointAsync(Limit);
        var submission = $$"""{"operation":"o","method":"POST","body":"{{new string('a', 200_000)}}"}""";

        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{id}/exchanges", submission, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains("The submission exceeds", response.Text, StringComparison.Ordinal);
        Assert.Contains($"maxBodyBytes of endpoint '{id}'", response.Text, StringComparison.Ordinal);
        Assert.Empty(_system.Requests);
    }

    [Fact]
    public async Task Exchange_DefaultLimit_IsOneMebibyte()
    {
        var id = await CreateEndpointAsync(null);

        var view = await _hub.GetJsonAsync($"/api/endpoints/{id}");
        using var over = await _hub.Client.PostAsJsonAsync($"/api/endpoints/{id}/exchanges", Post(new string('a', 1024 * 1024 + 1)),
            TestContext.Current.CancellationToken);
        var atLimit = await _hub.ExchangeAsync(id, Post(new string('a', 1024 * 1024)));

        Assert.Equal(1024 * 1024, view.GetProperty("maxBodyBytes").GetInt32());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("Succeeded", atLimit.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Inbound_BodyOverLimit_Gets413AndJournalsRejection()
    {
        var id = await CreateEndpointAsync(Limit);

        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/inbound/{id}", $$"""{"pad":"{{new string('a', Limit)}}"}""",
            expectContinue: true);
        var entryId = response.Json.GetProperty("journalEntryId").GetString()!;
        var entry = await _hub.GetJsonAsync($"/api/journal/{entryId}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Contains($"maxBodyBytes of endpoint '{id}'", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Rejected", entry.GetProperty("outcome").GetString());
        Assert.Equal(413, entry.GetProperty("statusCode").GetInt32());
        Assert.Contains($"maxBodyBytes of {Limit} bytes", entry.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, entry.GetProperty("requestBody").GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Inbound_BodyAtLimit_Accepted()
    {
        var id = await CreateEndpointAsync(Limit);

        var response = await _hub.PostInboundAsync(id, Encoding.UTF8.GetBytes(new string('a', Limit)), "text/plain");

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
    }

    [Theory]
    [InlineData("maxBodyBytes", 1023)]
    [InlineData("maxBodyBytes", 32 * 1024 * 1024 + 1)]
    [InlineData("maxRedirects", -1)]
    [InlineData("maxRedirects", 11)]
    public async Task PutEndpoint_LimitOutOfRange_Gets400(string field, int value)
    {
        var body = new Dictionary<string, object> { ["baseUrl"] = _system.BaseUrl, [field] = value };

        using var response = await _hub.Client.PutAsJsonAsync($"/api/endpoints/{HubFixture.NewEndpointId("limit")}", body,
            TestContext.Current.CancellationToken);
        var problem = await RawResponse.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, problem.ErrorFields);
    }

    [Fact]
    public async Task Query_TooLong_Gets414NamingLimit()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?text={new string('q', 5000)}");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains("ApiLimits:MaxQueryLength", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_TooManyParameters_Gets414NamingLimit()
    {
        var query = string.Join('&', Enumerable.Range(0, 65).Select(i => $"endpoint=e{i}"));

        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?{query}");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.Status);
        Assert.Contains("ApiLimits:MaxQueryParameters", response.Text, StringComparison.Ordinal);
    }

    private async Task<string> CreateEndpointAsync(int? maxBodyBytes)
    {
        var id = HubFixture.NewEndpointId("limit");
        await _hub.PutEndpointAsync(id, new { baseUrl = _system.BaseUrl, maxBodyBytes });
        return id;
    }

    private static object Post(string body) => new { operation = "orders.create", method = "POST", path = "/orders", body };
}
