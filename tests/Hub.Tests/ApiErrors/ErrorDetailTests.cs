using System.Net;
using System.Text;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.ApiErrors;

/// <summary>
/// Error details name the field or header at fault and the fix, and never show framework wording or .NET types.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class ErrorDetailTests(HubFixture fixture)
{
    private const string ValidExchange = """{"operation":"orders.get","method":"GET","path":"/orders/1"}""";

    private readonly HubInstance _hub = fixture.Hub;

    // Method, route ({0} is a fresh endpoint id) and a word of the example body that the error must show.
    public static TheoryData<string, string, string> BodyRoutes => new()
    {
        { "PUT", "/api/endpoints/{0}", "baseUrl" },
        { "PUT", "/api/endpoints/{0}/credentials", "bearer" },
        { "POST", "/api/endpoints/{0}/exchanges", "operation" },
        { "POST", "/api/endpoints/{0}/mute", "duration" },
        { "PUT", "/api/alert-rules", "defaults" },
    };

    // Body with a value of the wrong JSON type, the field, and the expected value in words.
    public static TheoryData<string, string, string> WrongTypes => new()
    {
        { """{"baseUrl":5}""", "baseUrl", "a string" },
        { """{"baseUrl":"http://crm.invalid","timeoutSeconds":"soon"}""", "timeoutSeconds", "a number" },
        { """{"baseUrl":"http://crm.invalid","maxConcurrency":1.5}""", "maxConcurrency", "a whole number" },
        { """{"baseUrl":"http://crm.invalid","headers":["X-A"]}""", "headers", "an object of names and values" },
        { """{"baseUrl":"http://crm.invalid","auth":"bearer"}""", "auth", "an object" },
        { """{"baseUrl":"http://crm.invalid","redactJsonFields":"token"}""", "redactJsonFields", "a list" },
        { """{"baseUrl":"http://crm.invalid","retry":{"schedule":[60]}}""", "retry.schedule[0]", "a string" },
        { """{"baseUrl":"http://crm.invalid","retry":{"transientStatusCodes":[true]}}""", "retry.transientStatusCodes[0]", "a whole number" },
        { "[1]", "body", "an object" },
    };

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task Route_EmptyBody_Returns400NamingExpectedBody(string method, string route, string example)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, HubFixture.NewEndpointId("empty"));

        foreach (var body in new[] { "", "null" })
        {
            var response = await _hub.SendAsync(new HttpMethod(method), path, body);
            var detail = response.Json.GetProperty("detail").GetString();

            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.StartsWith("Request body missing: send a JSON object", detail, StringComparison.Ordinal);
            Assert.Contains(example, detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Implicit body", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Service", detail, StringComparison.Ordinal);
            ResponseText.AssertNoInternals(response.Text);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task PutEndpoint_MissingOrWrongContentType_Returns415WithFix(string? mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("media")}");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"baseUrl":"http://crm.invalid"}"""));
        if (mediaType is not null)
        {
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        }

        using var sent = await _hub.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var response = await RawResponse.ReadAsync(sent);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains("Send Content-Type: application/json", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task UnknownRoute_Returns404WithDetail()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, "/api/endpoint-list");
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Contains("/api/endpoint-list", detail, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_Returns405ListingAllowed()
    {
        using var sent = await _hub.Client.DeleteAsync("/api/status", TestContext.Current.CancellationToken);
        var response = await RawResponse.ReadAsync(sent);
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Contains("GET", sent.Content.Headers.Allow);
        Assert.Contains("use GET", detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task PutEndpoint_WrongJsonType_NamesExpectedType(string body, string field, string expected)
    {
        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("type")}", body);
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(field, response.ErrorFields);
        Assert.EndsWith($"must be {expected}.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Int32", detail, StringComparison.Ordinal);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("{\"baseUrl\": ", "line 1, byte 13")]
    [InlineData("{\"baseUrl\":\"http://crm.invalid\",\n \"timeoutSeconds\": 5,}", "line 2, byte 22")]
    [InlineData("not json", "line 1")]
    public async Task PutEndpoint_MalformedJson_ReportsPosition(string body, string position)
    {
        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("syntax")}", body);
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["body"], response.ErrorFields);
        Assert.Contains("malformed JSON", detail, StringComparison.Ordinal);
        Assert.Contains(position, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("baseUrl", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("reader options", detail, StringComparison.Ordinal);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task Exchange_InvalidMethodToken_SaysMethodToken()
    {
        var id = HubFixture.NewEndpointId("method");
        await _hub.PutEndpointAsync(id, new { baseUrl = "http://method.invalid" });

        var response = await _hub.SendAsync(
            HttpMethod.Post, $"/api/endpoints/{id}/exchanges", """{"operation":"o","method":"FETCH ME","path":"/x"}""");
        var message = response.Json.GetProperty("errors").GetProperty("method")[0].GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.DoesNotContain("Required", message, StringComparison.Ordinal);
        Assert.Contains("'FETCH ME'", message, StringComparison.Ordinal);
        Assert.Contains("method token such as GET or POST", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/journal?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("GET", "/api/journal?from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("POST", "/api/endpoints/{0}/dead-letters/replay?from=2026-01-02T00:00:00Z&to=2026-01-01")]
    public async Task Route_FromNotBeforeTo_Returns400NamingBoth(string method, string route)
    {
        var id = HubFixture.NewEndpointId("range");
        await _hub.PutEndpointAsync(id, new { baseUrl = "http://range.invalid" });
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, id);

        var response = await _hub.SendAsync(new HttpMethod(method), path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("from", response.ErrorFields);
        Assert.Contains("to", response.ErrorFields);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task GetJournal_TimeWithoutZone_ReadAsUtc()
    {
        var id = HubFixture.NewEndpointId("zone");

        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?endpoint={id}&from=2026-01-01T10:00:00&to=2026-01-02");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Exchange_EmptyIdempotencyKey_Returns400NamingHeader(string key)
    {
        var id = HubFixture.NewEndpointId("idem");
        await _hub.PutEndpointAsync(id, new { baseUrl = "http://idem.invalid" });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/endpoints/{id}/exchanges");
        request.Content = new StringContent(ValidExchange, Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        using var sent = await _hub.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var response = await RawResponse.ReadAsync(sent);
        var message = response.Json.GetProperty("errors").GetProperty("Idempotency-Key")[0].GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("Idempotency-Key header is empty", message, StringComparison.Ordinal);
    }
}
