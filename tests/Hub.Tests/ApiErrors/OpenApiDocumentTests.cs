using System.Text.Json;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.ApiErrors;

/// <summary>
/// The OpenAPI document describes how to call the API: the key header, a summary and the statuses of each operation,
/// and the required request fields.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class OpenApiDocumentTests(HubFixture fixture)
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "patch"];

    private readonly HubInstance _hub = fixture.Hub;

    [Fact]
    public async Task Document_DeclaresApiKeyScheme()
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");

        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Document_EveryApiOperation_HasSummaryAndKey()
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var operations = ApiOperations(document).ToList();

        Assert.True(operations.Count >= 20, $"Only {operations.Count} /api operations");
        foreach (var (name, operation) in operations)
        {
            Assert.True(operation.TryGetProperty("summary", out var summary), $"{name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(summary.GetString()), $"{name} has an empty summary");
            var security = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject());
            Assert.Contains("ApiKey", security.Select(s => s.Name));
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{name} does not list 401");
        }
    }

    [Theory]
    [InlineData("/api/endpoints/{endpointId}/exchanges", "post", new[] { "200", "202", "400", "404", "413", "503" })]
    [InlineData("/api/exchanges/{exchangeId}/replay", "post", new[] { "200", "202", "400", "404", "409", "503" })]
    [InlineData("/api/exchanges/{exchangeId}", "get", new[] { "200", "400", "404" })]
    [InlineData("/api/endpoints/{endpointId}", "put", new[] { "200", "201", "400", "413" })]
    [InlineData("/api/endpoints/{endpointId}/dead-letters/replay", "post", new[] { "202", "400", "404" })]
    [InlineData("/api/incidents/{incidentId}/ack", "post", new[] { "200", "400", "404", "409" })]
    public async Task Operation_ListsItsStatuses(string path, string method, string[] statuses)
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

        foreach (var status in statuses)
        {
            Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} does not list {status}");
        }
    }

    [Theory]
    [InlineData("EndpointBody", "baseUrl")]
    [InlineData("ExchangeBody", "operation")]
    [InlineData("ExchangeBody", "method")]
    [InlineData("AuthBody", "type")]
    [InlineData("MuteBody", "duration")]
    public async Task Schema_MarksRequiredField(string schema, string field)
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var required = document.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("required");

        Assert.Contains(field, required.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task AuthSchema_RequiresOnlyType()
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var required = document.GetProperty("components").GetProperty("schemas").GetProperty("AuthBody").GetProperty("required");

        Assert.Equal(["type"], required.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task JournalFrom_DocumentsTimeZoneRule()
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var parameters = document.GetProperty("paths").GetProperty("/api/journal").GetProperty("get").GetProperty("parameters");
        var from = parameters.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "from");

        Assert.Contains("without a time zone is read as UTC", from.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static IEnumerable<(string Name, JsonElement Operation)> ApiOperations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => HttpMethods.Contains(operation.Name))
                .Select(operation => ($"{operation.Name} {path.Name}", operation.Value)));
}
