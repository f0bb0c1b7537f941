using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Every route the running hub maps has a row in <see cref="RouteScopes"/>, and every row names a mapped route.
/// </summary>
[Collection(SharedHubDefinition.Name)]
public sealed class RouteScopeTests(HubFixture fixture)
{
    [Fact]
    public void Table_CoversEveryMappedRoute()
    {
        var routes = MappedRoutes();

        var undecided = routes.Where(route => !RouteScopes.TryGetScope(route, out _)).Select(RouteScopes.KeyOf).ToList();

        Assert.True(routes.Count >= 25, $"only {routes.Count} routes found");
        Assert.True(undecided.Count == 0, $"routes without a scope decision: {string.Join("; ", undecided)}");
    }

    [Fact]
    public void Table_HasNoRowWithoutRoute()
    {
        var mapped = MappedRoutes().Select(RouteScopes.KeyOf).ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var key in RouteScopes.Keys)
        {
            Assert.True(mapped.Contains(key), $"scope row '{key}' matches no mapped route");
        }
    }

    private List<RouteEndpoint> MappedRoutes() => fixture.Hub.Services
        .GetServices<EndpointDataSource>()
        .SelectMany(source => source.Endpoints)
        .OfType<RouteEndpoint>()
        .ToList();
}
