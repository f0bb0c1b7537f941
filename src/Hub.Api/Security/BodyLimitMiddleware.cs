using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Sets the body size limit of each request before anything reads the body: the endpoint's <c>maxBodyBytes</c>
/// for exchange submissions and inbound data, <see cref="ApiLimitOptions.MaxBodyBytes"/> for every other route.
/// Kestrel then rejects a larger body with 413 as soon as it arrives.
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next, IGrainFactory grains, IOptions<ApiLimitOptions> options)
{
    private readonly ApiLimitOptions _limits = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var limit = await ChooseAsync(context);
            context.Items[typeof(BodyLimit)] = limit;
            feature.MaxRequestBodySize = limit.WireBytes;
        }

        await next(context);
    }

    private async Task<BodyLimit> ChooseAsync(HttpContext context)
    {
        var fallback = new BodyLimit(_limits.MaxBodyBytes, _limits.MaxBodyBytes,
            $"{ApiLimitOptions.SectionName}:{nameof(ApiLimitOptions.MaxBodyBytes)}");
        if (context.GetEndpoint()?.Metadata.GetMetadata<EndpointBodyLimitMetadata>() is not { } metadata
            || context.Request.RouteValues["endpointId"] is not string endpointId
            || !Validation.IsEndpointId(endpointId))
        {
            return fallback;
        }

        // An endpoint that does not exist gets the API's limit here and 404 from its route.
        if (await grains.GetGrain<IEndpointGrain>(endpointId).GetBodyLimitAsync() is not { } payload)
        {
            return fallback;
        }

        var setting = $"the maxBodyBytes of endpoint '{endpointId}'";
        return metadata.InJson
            ? new BodyLimit(payload, (long)BodyLimit.JsonGrowth * payload + BodyLimit.EnvelopeBytes, setting)
            : new BodyLimit(payload, payload, setting);
    }
}
