using System.Text.Json;
using System.Text.Json.Nodes;
using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Tests.Infrastructure;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

// The operations that the fuzz pass targets, and a valid request body for each one that takes a body.
public sealed partial class ApiFuzzTests
{
    // Every /api operation of the OpenAPI document, with its query parameters and whether it takes a JSON body.
    private async Task<List<FuzzTarget>> ReadTargetsAsync()
    {
        var document = await _hub.GetJsonAsync("/openapi/v1.json");
        var targets = new List<FuzzTarget>();
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Name != "parameters"))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list) ? list.EnumerateArray().ToList() : [];
                var queryNames = parameters
                    .Where(p => p.GetProperty("in").GetString() == "query")
                    .Select(p => p.GetProperty("name").GetString()!)
                    .ToList();
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                targets.Add(new FuzzTarget(method, path.Name, queryNames, operation.Value.TryGetProperty("requestBody", out _)));
            }
        }

        Assert.True(targets.Count >= 25, $"the OpenAPI document lists only {targets.Count} /api operations");
        return targets;
    }

    // The inbound route reads the raw body itself, so the document shows no body, and it accepts any query.
    private static FuzzTarget InboundTarget() => new(HttpMethod.Post, "/api/inbound/{endpointId}", ["source", "event"], HasBody: false);

    // Route values that reach the handlers: this test's endpoints, and unknown but well-formed ids elsewhere.
    private string FillRoute(FuzzTarget target, Random random) => RouteParameter().Replace(target.Template, match => match.Value switch
    {
        "{endpointId}" when target.Method == HttpMethod.Delete => HubFixture.NewEndpointId("fuzzdel"),
        "{endpointId}" when target.Key is "PUT /api/endpoints/{endpointId}" or "PUT /api/endpoints/{endpointId}/credentials" => _configEndpoint,
        "{endpointId}" => _exchangeEndpoint,
        "{keyId}" => "fuzz-no-such-key",
        _ => new Guid(RandomBytes(random, 16)).ToString(),
    });

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    // A valid body for every route that takes one, with every member of its contract present so each gets fuzzed.
    private Dictionary<string, (HttpMethod Method, string Path, Type? Contract, JsonNode Body)> Baselines()
    {
        var external = _external.BaseUrl.ToString();
        return new()
        {
            ["PUT /api/endpoints/{endpointId}"] = (HttpMethod.Put, $"/api/endpoints/{_configEndpoint}", typeof(EndpointBody), JsonNode.Parse($$"""
                {
                  "baseUrl": "{{external}}",
                  "auth": {"type": "bearer", "token": "fuzz-token", "username": "fuzz", "password": "p", "name": "X-Key", "value": "v"},
                  "timeoutSeconds": 5,
                  "headers": {"X-Fuzz": "1"},
                  "maxConcurrency": 4,
                  "redactJsonFields": ["password", "token"],
                  "forwardTo": {"endpointId": "{{_exchangeEndpoint}}", "method": "POST", "path": "/in"},
                  "retry": {
                    "immediate": 1, "immediateDelay": "10ms", "maxQuickRetryAfter": "1s", "schedule": ["1s", "5s"],
                    "maxAttempts": 3, "maxAge": "1h", "transientStatusCodes": [503], "permanentStatusCodes": [400],
                    "backlogLimit": 100, "authProbeInterval": "1m",
                    "circuit": {"consecutiveFailures": 5, "failureRatio": 0.5, "minimumThroughput": 10, "window": "30s", "breakDuration": "5s"}
                  },
                  "health": {"expectedActivity": "1h", "downAfterConsecutiveFailures": 3, "degradedFailureRate": 0.2, "degradedMinExchanges": 5},
                  "businessKeys": ["$.order.number"],
                  "journalRetention": {"hotDays": 7, "warmDays": 30, "coldDays": 90},
                  "maxRedirects": 2,
                  "maxBodyBytes": 65536,
                  "inboundAuth": {
                    "type": "hmac", "header": "X-Signature", "secret": "fuzz-secret-0123456789",
                    "timestampHeader": "X-Timestamp", "toleranceSeconds": 300
                  }
                }
                """)!),
            ["PUT /api/endpoints/{endpointId}/credentials"] = (HttpMethod.Put, $"/api/endpoints/{_configEndpoint}/credentials", typeof(AuthBody),
                JsonNode.Parse("""{"type":"basic","token":"t","username":"fuzz","password":"p","name":"X-Key","value":"v"}""")!),
            ["POST /api/endpoints/{endpointId}/exchanges"] = (HttpMethod.Post, $"/api/endpoints/{_exchangeEndpoint}/exchanges", typeof(ExchangeBody),
                JsonNode.Parse("""
                    {
                      "operation": "orders.create", "method": "POST", "path": "/orders?source=fuzz",
                      "query": {"page": "1"}, "headers": {"X-Trace": "abc"},
                      "body": {"order": {"number": "A-1", "total": 12.5}, "items": [1, 2]}, "correlationId": "corr-1"
                    }
                    """)!),
            ["POST /api/endpoints/{endpointId}/mute"] = (HttpMethod.Post, $"/api/endpoints/{_exchangeEndpoint}/mute", typeof(MuteBody),
                JsonNode.Parse("""{"duration":"1m"}""")!),
            ["PUT /api/alert-rules"] = (HttpMethod.Put, "/api/alert-rules", typeof(AlertRuleSetBody), JsonNode.Parse($$"""
                {
                  "defaults": {
                    "consecutiveFailures": 3, "failureRatePercent": 50, "failureRateMinExchanges": 10, "silenceAfter": "1h",
                    "latencyP95": "2s", "authFailure": true, "deadLetters": true, "circuitOpen": true,
                    "reminderInterval": "30m", "recoveryHold": "5m"
                  },
                  "endpoints": {
                    "{{_exchangeEndpoint}}": {
                      "consecutiveFailures": 2, "failureRatePercent": 20, "failureRateMinExchanges": 5, "silenceAfter": "2h",
                      "latencyP95": "1s", "authFailure": false, "deadLetters": false, "circuitOpen": false,
                      "reminderInterval": "1h", "recoveryHold": "0s"
                    }
                  }
                }
                """)!),
            ["POST /api/keys"] = (HttpMethod.Post, "/api/keys", typeof(CreateKeyBody), JsonNode.Parse("""{"name":"fuzz key","scopes":["read"]}""")!),
            [InboundKey] = (HttpMethod.Post, $"/api/inbound/{_exchangeEndpoint}", null, JsonNode.Parse("""
                {"order": {"number": "A-1", "total": 12.5, "customer": {"email": "a@b.test"}}, "items": [{"sku": "x", "qty": 1}]}
                """)!),
        };
    }
}
