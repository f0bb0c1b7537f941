using System.Net;
using System.Text;
using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// One request for each defect that <see cref="ApiFuzzTests"/> found. Each of them used to get a 500 or a response
/// without ProblemDetails, or stalled the journal. Now each gets a ProblemDetails that names the field, or succeeds.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class ApiFuzzRegressionTests(HubFixture fixture) : IAsyncLifetime
{
    private const string ValidExchange = """{"operation":"orders.get","method":"GET","path":"/orders/1"}""";

    private static readonly TimeSpan JournalDeadline = TimeSpan.FromSeconds(5);

    private readonly HubInstance _hub = fixture.Hub;
    private readonly string _endpointId = HubFixture.NewEndpointId("fuzzfix");
    private ExternalSystem _external = null!;

    // Exchange bodies, the field that the 400 must name, and a word of its message.
    public static TheoryData<string, string, string> InvalidExchanges => new()
    {
        { """{"operation":"a\u0000b","method":"GET"}""", "operation", "control characters" },
        { """{"operation":"o","method":"GET","correlationId":"c\u0000"}""", "correlationId", "control characters" },
        { """{"operation":"o","method":"GET","query":{"page":null}}""", "query.page", "must be strings" },
        { """{"operation":"o","method":"GET","headers":{"X-Trace":"a","X-TRACE":"b"}}""", "headers.X-TRACE", "letter case" },
        { """{"operation":"o","method":"POST","body":{"order":{"total":1,"total":2}}}""", "body", "'total'" },
        { """{"operation":"o","method":"POST","body":"\ud800"}""", "body", "lone surrogate" },
        { """{"operation":"o","method":"POST","body":{"\udc00":1}}""", "body", "lone surrogate" },
    };

    // Query routes with a NUL in a text filter, and the parameter that the 400 must name.
    public static TheoryData<string, string> NulFilters => new()
    {
        { "/api/journal?operation=a%00", "operation" },
        { "/api/journal?correlationId=%00", "correlationId" },
        { "/api/journal?key=%00", "key" },
        { "/api/journal?q=%00%00%00&from=2026-01-01&to=2026-01-02", "q" },
        { "/api/journal/export?operation=%00", "operation" },
        { "/api/audit?actor=%00", "actor" },
    };

    public async ValueTask InitializeAsync()
    {
        _external = await ExternalSystem.StartAsync();
        await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{_endpointId}",
            $$"""{"baseUrl":"{{_external.BaseUrl}}","businessKeys":["$.order.number"]}""");
    }

    public async ValueTask DisposeAsync() => await _external.DisposeAsync();

    [Theory]
    [MemberData(nameof(InvalidExchanges))]
    public async Task Exchange_InvalidField_Returns400NamingIt(string body, string field, string words)
    {
        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/endpoints/{_endpointId}/exchanges", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal([field], response.ErrorFields);
        Assert.Contains(words, ErrorMessage(response, field), StringComparison.Ordinal);
        Assert.Empty(_external.Requests);
    }

    [Theory]
    [InlineData("/api/alert-rules", """{"defaults":{"failureRatePercent":"NaN"}}""", "defaults.failureRatePercent")]
    [InlineData("/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","health":{"degradedFailureRate":"NaN"}}""", "health.degradedFailureRate")]
    [InlineData("/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","retry":{"circuit":{"failureRatio":"NaN"}}}""", "retry.circuit.failureRatio")]
    public async Task Put_NaNRatio_Returns400NamingField(string route, string body, string field)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, HubFixture.NewEndpointId("nan"));

        var response = await _hub.SendAsync(HttpMethod.Put, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([field], response.ErrorFields);
    }

    [Theory]
    [InlineData("""{"name":"ops\u0000","scopes":["read"]}""")]
    [InlineData("""{"name":"ops\r\nX","scopes":["read"]}""")]
    public async Task CreateKey_ControlCharacterInName_Returns400(string body)
    {
        var response = await _hub.SendAsync(HttpMethod.Post, "/api/keys", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["name"], response.ErrorFields);
        Assert.Contains("control characters", ErrorMessage(response, "name"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAlertRules_NullEndpointRules_Returns400()
    {
        var response = await _hub.SendAsync(HttpMethod.Put, "/api/alert-rules", $$"""{"endpoints":{"{{_endpointId}}":null} }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([$"endpoints.{_endpointId}"], response.ErrorFields);
        Assert.Contains("object of rules", ErrorMessage(response, $"endpoints.{_endpointId}"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NulFilters))]
    public async Task QueryFilter_NulCharacter_Returns400NamingParameter(string path, string parameter)
    {
        var response = await _hub.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([parameter], response.ErrorFields);
        Assert.Contains("NUL", ErrorMessage(response, parameter), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("ture")]
    [InlineData("1")]
    [InlineData("")]
    public async Task RunRetention_DryRunNotBoolean_Returns400(string dryRun)
    {
        var response = await _hub.SendAsync(HttpMethod.Post, $"/api/journal/retention?dryRun={dryRun}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["dryRun"], response.ErrorFields);
        Assert.Contains($"'{dryRun}' is not true or false", ErrorMessage(response, "dryRun"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_TimeWithOffset_Returns200()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, "/api/audit?from=2026-12-04T18:42:00%2B03:00&to=2126-12-04T00:00:00-05:00");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task JournalQuery_3KiBValue_Returns400()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?from={new string('9', 3 * 1024)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["from"], response.ErrorFields);
    }

    [Fact]
    public async Task JournalQuery_10KiBValue_Returns414Problem()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?from={new string('9', 10 * 1024)}");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains("ApiLimits:MaxQueryLength", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_UrlOver16KiB_Returns414Problem()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?operation={new string('a', 20 * 1024)}");
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains("ApiLimits:MaxUrlLength", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=bogus", "'bogus'")]
    [InlineData("application/json; charset=", "''")]
    public async Task PutEndpoint_UnknownCharset_Returns415NamingIt(string contentType, string charset)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/endpoints/{HubFixture.NewEndpointId("charset")}");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"baseUrl":"http://crm.invalid"}"""));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var sent = await _hub.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var response = await RawResponse.ReadAsync(sent);
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains($"charset {charset}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbound_NulBusinessKey_EntryStored()
    {
        var body = Encoding.UTF8.GetBytes("""{"order":{"number":"A-1\u0000"}}""");

        var response = await _hub.PostInboundAsync(_endpointId, body, "application/json");
        var entry = await WaitForEntryAsync(response);
        var keys = await BusinessKeysOfAsync(entry);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal(["A-1\uFFFD"], keys);
        Assert.Contains("journal: bodies not stored", entry.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbound_NulBusinessKey_NextExchangeFast()
    {
        var body = Encoding.UTF8.GetBytes("""{"order":{"number":"B-2\u0000"}}""");
        await _hub.PostInboundAsync(_endpointId, body, "application/json");

        // The journal writer used to retry the rejected row forever, so every later exchange waited for its
        // acknowledgement timeout of 10 s.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await _hub.ExchangeAsync(_endpointId, JsonDocument.Parse(ValidExchange).RootElement);

        Assert.Equal("Succeeded", result.GetProperty("status").GetString());
        Assert.True(clock.Elapsed < JournalDeadline, $"the exchange took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("""{"order":{"number":"A-3","number":"A-4"}}""")]
    [InlineData("""{"order":{"number":"\ud800"}}""")]
    public async Task Inbound_JsonThatRedactionCannotRead_StoredWithoutBody(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var response = await _hub.PostInboundAsync(_endpointId, body, "application/json");
        var entry = await WaitForEntryAsync(response);
        var stored = entry.GetProperty("requestBody");

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("text").ValueKind);
        Assert.Equal(body.Length, stored.GetProperty("size").GetInt64());
        Assert.Contains("request body not stored", entry.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbound_BusinessKeyNotUtf8_Accepted()
    {
        byte[] body = [.. """{"order":{"number":"a"""u8, 0xF4, 0x90, 0x80, 0x80, .. "\"}}"u8];

        var response = await _hub.PostInboundAsync(_endpointId, body, "application/json");
        var entry = await WaitForEntryAsync(response);
        var keys = await BusinessKeysOfAsync(entry);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Empty(keys);
    }

    // Business keys appear in the journal's search results, not in the single entry.
    private async Task<List<string?>> BusinessKeysOfAsync(JsonElement entry)
    {
        var exchangeId = entry.GetProperty("exchangeId").GetString();
        var page = await _hub.GetJsonAsync($"/api/journal?exchangeId={exchangeId}");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        return [.. item.GetProperty("businessKeys").EnumerateArray().Select(k => k.GetString())];
    }

    [Fact]
    public async Task EndpointRoutes_HexIdWithLeadingZero_Return400()
    {
        var hex = Random.Shared.NextInt64(0x1000_0000, long.MaxValue).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var config = $$"""{"baseUrl":"{{_external.BaseUrl}}"}""";

        var plain = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{hex}", config);
        var padded = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/00{hex}", config);
        var read = await _hub.SendAsync(HttpMethod.Get, $"/api/endpoints/0{hex}");

        Assert.Equal(HttpStatusCode.Created, plain.Status);
        Assert.Equal(HttpStatusCode.BadRequest, padded.Status);
        Assert.Equal("endpointId", padded.Json.GetProperty("field").GetString());
        Assert.Contains("leading zeros", padded.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, read.Status);
    }

    private static string ErrorMessage(RawResponse response, string field) =>
        response.Json.GetProperty("errors").GetProperty(field)[0].GetString()!;

    // The inbound route returns once the entry is committed or its acknowledgement timed out, so the entry is
    // polled for a short while.
    private async Task<JsonElement> WaitForEntryAsync(RawResponse response)
    {
        var entryId = response.Json.GetProperty("journalEntryId").GetString();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var read = await _hub.SendAsync(HttpMethod.Get, $"/api/journal/{entryId}");
            if (read.Status == HttpStatusCode.OK)
            {
                return read.Json;
            }

            Assert.True(clock.Elapsed < JournalDeadline, $"journal entry {entryId} was not stored within {JournalDeadline}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
