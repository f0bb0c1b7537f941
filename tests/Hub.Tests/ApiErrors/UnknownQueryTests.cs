using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.ApiErrors;

/// <summary>
/// A query parameter that a route does not take is rejected with 400 naming it and listing the accepted ones.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class UnknownQueryTests(HubFixture fixture)
{
    private const string ValidExchange = """{"operation":"orders.get","method":"GET","path":"/orders/1"}""";

    private readonly HubInstance _hub = fixture.Hub;

    // Method, path ({0} is a fresh endpoint id), the unknown parameter, and one parameter the route accepts.
    public static TheoryData<string, string, string, string> MisspelledQueries => new()
    {
        { "GET", "/api/journal?endpont=crm", "endpont", "endpoint" },
        { "GET", "/api/journal?endpoint=crm&limt=5", "limt", "limit" },
        { "GET", "/api/endpoints/{0}/dead-letters?count=5", "count", "limit" },
        { "POST", "/api/endpoints/{0}/dead-letters/replay?operaton=orders.create", "operaton", "operation" },
        { "GET", "/api/incidents?status=open", "status", "state" },
        { "GET", "/api/notifications?stat=Failed", "stat", "state" },
        { "POST", "/api/endpoints/{0}/exchanges?wiat=false", "wiat", "wait" },
    };

    [Theory]
    [MemberData(nameof(MisspelledQueries))]
    public async Task Route_UnknownQueryParameter_Returns400ListingAccepted(
        string method, string route, string unknown, string accepted)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, HubFixture.NewEndpointId("query"));
        var body = path.EndsWith("exchanges?wiat=false", StringComparison.Ordinal) ? ValidExchange : null;

        var response = await _hub.SendAsync(new HttpMethod(method), path, body);
        var detail = response.Json.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(unknown, response.ErrorFields);
        Assert.Contains($"'{unknown}'", detail, StringComparison.Ordinal);
        Assert.Contains(accepted, detail, StringComparison.Ordinal);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task GetStatus_AnyQueryParameter_Returns400()
    {
        var response = await _hub.SendAsync(HttpMethod.Get, "/api/status?verbose=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("verbose", response.ErrorFields);
        Assert.Contains("takes no query parameters", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJournal_KnownParametersAnyCase_Returns200()
    {
        var id = HubFixture.NewEndpointId("query");

        var response = await _hub.SendAsync(HttpMethod.Get, $"/api/journal?Endpoint={id}&limit=5&outcome=Success");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Inbound_AnyQueryParameter_Accepted()
    {
        var id = HubFixture.NewEndpointId("query");
        await _hub.PutEndpointAsync(id, new { baseUrl = "http://query.invalid" });

        var response = await _hub.PostInboundAsync(id, """{"n":1}"""u8.ToArray(), "application/json", query: "?event=order.created");

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
    }
}
