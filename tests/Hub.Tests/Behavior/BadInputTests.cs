using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Behavior;

/// <summary>
/// Invalid requests on every route get a ProblemDetails that names what is wrong and shows no internals.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class BadInputTests(HubFixture fixture)
{
    private const string ValidExchange = """{"operation":"orders.get","method":"GET","path":"/orders/1"}""";

    private static readonly string TooLongId = new('a', 65);

    private readonly HubInstance _hub = fixture.Hub;

    public static TheoryData<string, string, string?> UnknownEndpointRoutes => new()
    {
        { "POST", "/api/endpoints/{0}/exchanges", ValidExchange },
        { "GET", "/api/endpoints/{0}", null },
        { "DELETE", "/api/endpoints/{0}", null },
        { "POST", "/api/inbound/{0}", """{"number":"A-1"}""" },
    };

    public static TheoryData<string, string> InvalidEndpointConfigs => new()
    {
        { """{"timeoutSeconds":5}""", "baseUrl" },
        { """{"baseUrl":"ftp://crm.test/"}""", "baseUrl" },
        { """{"baseUrl":"crm.test/orders"}""", "baseUrl" },
        { """{"baseUrl":"http://crm.test","timeoutSeconds":0}""", "timeoutSeconds" },
        { """{"baseUrl":"http://crm.test","timeoutSeconds":301}""", "timeoutSeconds" },
        { """{"baseUrl":"http://crm.test","maxConcurrency":0}""", "maxConcurrency" },
        { """{"baseUrl":"http://crm.test","auth":{"type":"kerberos"}}""", "auth.type" },
        { """{"baseUrl":"http://crm.test","auth":{"type":"bearer"}}""", "auth.token" },
        { """{"baseUrl":"http://crm.test","auth":{"type":"header","value":"v"}}""", "auth.name" },
        { """{"baseUrl":"http://crm.test","headers":{"Bad Header":"v"}}""", "headers.Bad Header" },
        { """{"baseUrl":"http://crm.test","forwardTo":{"endpointId":"crm","path":"http://evil.test/x"}}""", "forwardTo.path" },
    };

    public static TheoryData<string, string> InvalidEndpointIdRoutes => new()
    {
        { "PUT", "/api/endpoints/{0}" },
        { "GET", "/api/endpoints/{0}" },
        { "DELETE", "/api/endpoints/{0}" },
        { "POST", "/api/endpoints/{0}/exchanges" },
        { "POST", "/api/inbound/{0}" },
    };

    public static TheoryData<string, string> InvalidExchanges => new()
    {
        { """{"method":"GET","path":"/orders"}""", "operation" },
        { """{"operation":"orders.get","path":"/orders"}""", "method" },
        { """{"operation":"orders.get","method":"GET","path":"//evil.test/x"}""", "path" },
        { """{"operation":"orders.get","method":"GET","path":"../.."}""", "path" },
        { """{"operation":"orders.get","method":"GET","path":"/orders/%2e%2e/%2e%2e/admin"}""", "path" },
        { """{"operation":"orders.get","method":"GET","path":"http://evil.test/x"}""", "path" },
        { """{"operation":"orders.get","method":"GET","path":"/%2e%2e%5cadmin"}""", "path" },
        { """{"operation":"tunnel","method":"CONNECT","path":"/x"}""", "method" },
        { """{"operation":"echo","method":"trace","path":"/x"}""", "method" },
        { """{"operation":"orders.get","method":"GET","path":"/x/..%5cadmin"}""", "path" },
        { """{"operation":"orders.get","method":"GET","path":"/..;/admin"}""", "path" },
        { """{"operation":"orders.get","method":"GET","path":"/%2e%2e%00/admin"}""", "path" },
        { """{"operation":"orders.get","method":"GET","correlationId":"c1\r\nX-Injected: 1"}""", "correlationId" },
        { """{"operation":"orders.get","method":"GET","headers":{"X-Bad\r\nHost":"v"}}""", "headers.X-Bad\r\nHost" },
    };

    // Every /api route, and one path that matches none.
    public static TheoryData<string, string> ApiRoutes => new()
    {
        { "GET", "/api/status" },
        { "GET", "/api/endpoints" },
        { "GET", "/api/endpoints/crm" },
        { "PUT", "/api/endpoints/crm" },
        { "DELETE", "/api/endpoints/crm" },
        { "POST", "/api/endpoints/crm/exchanges" },
        { "GET", $"/api/exchanges/{Guid.NewGuid()}" },
        { "POST", "/api/inbound/crm" },
        { "GET", "/api/journal" },
        { "GET", $"/api/journal/{Guid.NewGuid()}" },
        { "GET", "/api/no-such-route" },
    };

    [Theory]
    [MemberData(nameof(UnknownEndpointRoutes))]
    public async Task Route_UnknownEndpoint_Returns404Problem(string method, string route, string? body)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, HubFixture.NewEndpointId("missing"));

        var response = await _hub.SendAsync(new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(404, response.Json.GetProperty("status").GetInt32());
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("/api/exchanges/{0}")]
    [InlineData("/api/journal/{0}")]
    public async Task Get_UnknownId_Returns404Problem(string route)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, Guid.NewGuid());

        var response = await _hub.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("/api/exchanges/not-a-uuid")]
    [InlineData("/api/journal/not-a-uuid")]
    public async Task Get_MalformedId_Returns400Problem(string path)
    {
        var response = await _hub.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [MemberData(nameof(InvalidEndpointConfigs))]
    public async Task PutEndpoint_InvalidField_Returns400NamingField(string body, string field)
    {
        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("bad")}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(field, response.ErrorFields);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task PutEndpoint_SeveralInvalidFields_NamesEach()
    {
        const string body = """
            {"baseUrl":"ftp://crm.test","timeoutSeconds":0,"maxConcurrency":0,"auth":{"type":"bearer"},
             "headers":{"Bad Header":"v"},"forwardTo":{"endpointId":"crm","path":"//evil.test/x"}}
            """;

        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("bad")}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        foreach (var field in new[] { "baseUrl", "timeoutSeconds", "maxConcurrency", "auth.token", "headers.Bad Header", "forwardTo.path" })
        {
            Assert.Contains(field, response.ErrorFields);
        }
    }

    [Fact]
    public async Task PutEndpoint_Invalid_StoresNothing()
    {
        var id = HubFixture.NewEndpointId("bad");

        await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", """{"baseUrl":"ftp://crm.test"}""");
        var read = await _hub.SendAsync(HttpMethod.Get, $"/api/endpoints/{id}");

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
    }

    [Theory]
    [MemberData(nameof(InvalidEndpointIdRoutes))]
    public async Task Route_InvalidEndpointId_Returns400Problem(string method, string route)
    {
        foreach (var endpointId in new[] { "Crm-Upper", TooLongId, "-leading-dash", "crm%20space" })
        {
            var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, endpointId);
            var body = method == "PUT" ? """{"baseUrl":"http://crm.test"}""" : ValidExchange;

            var response = await _hub.SendAsync(new HttpMethod(method), path, method == "GET" || method == "DELETE" ? null : body);

            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal("application/problem+json", response.MediaType);
            ResponseText.AssertNoInternals(response.Text);
        }
    }

    [Fact]
    public async Task PutEndpoint_MaxLengthId_Accepted()
    {
        var id = "m" + HubFixture.NewEndpointId("max").PadRight(63, '0');

        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", """{"baseUrl":"http://crm.test"}""");

        Assert.Equal(64, id.Length);
        Assert.Equal(HttpStatusCode.Created, response.Status);
    }

    [Theory]
    [InlineData("""{"baseUrl": """)]
    [InlineData("""{"baseUrl":"http://crm.test",}""")]
    [InlineData("not json")]
    public async Task PutEndpoint_MalformedJson_Returns400Problem(string body)
    {
        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("bad")}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("""{"baseUrl":5}""", "baseUrl")]
    [InlineData("""{"baseUrl":"http://crm.test","timeoutSeconds":"soon"}""", "timeoutSeconds")]
    [InlineData("""{"baseUrl":"http://crm.test","maxConcurrency":1.5}""", "maxConcurrency")]
    [InlineData("""{"baseUrl":"http://crm.test","headers":["X-A"]}""", "headers")]
    [InlineData("""{"baseUrl":"http://crm.test","auth":"bearer"}""", "auth")]
    public async Task PutEndpoint_WrongJsonType_Returns400NamingField(string body, string field)
    {
        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("bad")}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(field, response.ErrorFields);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("""{"operation":"o","method":"GET","query":{"page":2}}""", "query.page")]
    [InlineData("""{"operation":"o","method":"GET","headers":"X-A"}""", "headers")]
    [InlineData("""{"operation":7,"method":"GET"}""", "operation")]
    public async Task Exchange_WrongJsonType_Returns400NamingField(string body, string field)
    {
        var id = await PutEndpointAsync();

        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{id}/exchanges", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(field, response.ErrorFields);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [MemberData(nameof(InvalidExchanges))]
    public async Task Exchange_InvalidField_Returns400NamingField(string body, string field)
    {
        var id = await PutEndpointAsync();

        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{id}/exchanges", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(field, response.ErrorFields);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task Exchange_Invalid_JournalsNothing()
    {
        var id = await PutEndpointAsync();

        await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{id}/exchanges", """{"operation":"o","method":"GET","path":"../.."}""");
        var page = await _hub.GetJsonAsync($"/api/journal?endpoint={id}");

        Assert.Empty(page.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("PUT", "/api/endpoints/{0}")]
    [InlineData("POST", "/api/endpoints/{0}/exchanges")]
    [InlineData("POST", "/api/inbound/{0}")]
    public async Task Route_BodyOverLimit_Returns413Problem(string method, string route)
    {
        var id = await PutEndpointAsync();
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, id);
        var body = $$"""{"operation":"o","method":"POST","body":"{{new string('x', 1024 * 1024 + 1)}}"}""";

        var response = await _hub.SendAsync(new HttpMethod(method), path, body, expectContinue: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains("axBodyBytes", response.Text, StringComparison.Ordinal);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Route_MissingApiKey_Returns401Problem(string method, string path)
    {
        var body = method is "PUT" or "POST" ? ValidExchange : null;

        var response = await _hub.SendWithKeyAsync(null, new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Route_WrongApiKey_Returns401Problem(string method, string path)
    {
        var body = method is "PUT" or "POST" ? ValidExchange : null;

        var response = await _hub.SendWithKeyAsync(HubInstance.ApiKey + "x", new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("//api/status")]
    [InlineData("/API/status")]
    [InlineData("/api//status")]
    [InlineData("/%61pi/status")]
    public async Task Route_UnusualPathWithoutApiKey_NotServed(string path)
    {
        var response = await _hub.SendWithKeyAsync(null, HttpMethod.Get, path);

        Assert.NotEqual(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task PutEndpoint_WrongApiKey_ChangesNothing()
    {
        var id = HubFixture.NewEndpointId("auth");

        await _hub.SendWithKeyAsync("wrong-key", HttpMethod.Put, $"/api/endpoints/{id}", """{"baseUrl":"http://crm.test"}""");
        var read = await _hub.SendAsync(HttpMethod.Get, $"/api/endpoints/{id}");

        Assert.Equal(HttpStatusCode.NotFound, read.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task PutEndpoint_NonJsonContentType_Returns4xxProblem(string mediaType)
    {
        var response = await _hub.SendAsync(
            HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("bad")}", """{"baseUrl":"http://crm.test"}""", mediaType);

        Assert.True((int)response.Status is >= 400 and < 500, $"Status {response.Status}");
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task Exchange_EmptyBody_Returns400Problem(string body)
    {
        var id = await PutEndpointAsync();

        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{id}/exchanges", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task Exchange_UrlInPathQuery_Accepted()
    {
        var id = await PutEndpointAsync();

        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{id}/exchanges",
            """{"operation":"login","method":"GET","path":"/login?return=https://shop.example/cart"}""");

        // The name does not resolve, so the accepted exchange waits for a durable retry.
        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal("NetworkError", response.Json.GetProperty("outcome").GetString());
    }

    private async Task<string> PutEndpointAsync()
    {
        var id = HubFixture.NewEndpointId("bad");
        // Names under .invalid fail inside the process, so an exchange that slips through reaches no socket.
        await _hub.PutEndpointAsync(id, new { baseUrl = "http://bad-input.invalid" });
        return id;
    }
}
