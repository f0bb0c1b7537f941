using System.Net;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.ApiErrors;

/// <summary>
/// A JSON member that no request body type declares is rejected with 400 naming it, on every route with a body.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class UnknownFieldTests(HubFixture fixture)
{
    private readonly HubInstance _hub = fixture.Hub;

    // Route ({0} is a fresh endpoint id), body with one misspelled member, and the field the error must name.
    public static TheoryData<string, string, string, string> MisspelledBodies => new()
    {
        { "PUT", "/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","timeoutSecs":5}""", "timeoutSecs" },
        { "PUT", "/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","auth":{"type":"bearer","tokn":"t"}}""", "auth.tokn" },
        { "PUT", "/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","retry":{"imediate":1}}""", "retry.imediate" },
        { "PUT", "/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","retry":{"circuit":{"window":"1m","brake":"5s"}}}""", "retry.circuit.brake" },
        { "PUT", "/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","health":{"expectedActivty":"1h"}}""", "health.expectedActivty" },
        { "PUT", "/api/endpoints/{0}", """{"baseUrl":"http://crm.invalid","forwardTo":{"endpointId":"crm","verb":"POST"}}""", "forwardTo.verb" },
        { "PUT", "/api/endpoints/{0}/credentials", """{"type":"bearer","tokn":"t"}""", "tokn" },
        { "POST", "/api/endpoints/{0}/exchanges", """{"operation":"o","method":"GET","correlationID2":"c"}""", "correlationID2" },
        { "POST", "/api/endpoints/{0}/mute", """{"duration":"1h","reason":"deploy"}""", "reason" },
        { "PUT", "/api/alert-rules", """{"defaults":{"consecutiveFailure":3}}""", "defaults.consecutiveFailure" },
        { "PUT", "/api/alert-rules", """{"endpoints":{"crm":{"silenceAftr":"1h"}}}""", "endpoints.crm.silenceAftr" },
        { "PUT", "/api/alert-rules", """{"default":{}}""", "default" },
    };

    [Theory]
    [MemberData(nameof(MisspelledBodies))]
    public async Task Route_UnknownMember_Returns400NamingField(string method, string route, string body, string field)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, HubFixture.NewEndpointId("field"));

        var response = await _hub.SendAsync(new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Contains(field, response.ErrorFields);
        Assert.Contains($"'{field}'", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("check its spelling", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        ResponseText.AssertNoInternals(response.Text);
    }

    [Fact]
    public async Task PutEndpoint_MisspelledTimeout_StoresNothing()
    {
        var id = HubFixture.NewEndpointId("field");

        var response = await _hub.SendAsync(
            HttpMethod.Put, $"/api/endpoints/{id}", """{"baseUrl":"http://crm.invalid","timeoutSecs":5}""");
        var read = await _hub.SendAsync(HttpMethod.Get, $"/api/endpoints/{id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("timeoutSeconds", response.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("EndpointBody", response.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, read.Status);
    }

    [Fact]
    public async Task PutEndpoint_FreeFormMaps_AcceptAnyName()
    {
        var id = HubFixture.NewEndpointId("field");
        const string body = """{"baseUrl":"http://crm.invalid","headers":{"X-Any-Name":"v"}}""";

        var response = await _hub.SendAsync(HttpMethod.Put, $"/api/endpoints/{id}", body);

        Assert.Equal(HttpStatusCode.Created, response.Status);
    }
}
