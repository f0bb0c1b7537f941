using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Rejects requests whose URL, headers or query string exceed <see cref="ApiLimitOptions"/>: 414 for the URL and
/// the query, 431 for headers, each as ProblemDetails that name the limit. Kestrel enforces higher limits of its
/// own, which respond without a body, as a backstop.
/// </summary>
public sealed class RequestLimitMiddleware(RequestDelegate next, IOptions<ApiLimitOptions> options)
{
    private readonly ApiLimitOptions _limits = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > _limits.MaxUrlLength)
        {
            await Problems.WriteAsync(context, StatusCodes.Status414UriTooLong, "URL too long",
                $"The request URL has {target.Length} characters, and the limit is {_limits.MaxUrlLength} " +
                $"({Key(nameof(ApiLimitOptions.MaxUrlLength))}). Send fewer or shorter query parameters.");
            return;
        }

        var headers = context.Request.Headers;
        var count = 0;
        var length = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                count++;
                length += name.Length + (value?.Length ?? 0);
            }
        }

        if (count > _limits.MaxHeaderCount || length > _limits.MaxHeaderBytes)
        {
            await Problems.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large",
                $"The request has {count} headers of {length} characters; the limits are {_limits.MaxHeaderCount} headers " +
                $"({Key(nameof(ApiLimitOptions.MaxHeaderCount))}) and {_limits.MaxHeaderBytes} characters " +
                $"({Key(nameof(ApiLimitOptions.MaxHeaderBytes))}).");
            return;
        }

        // The length counts the query string as sent, without its '?'.
        var queryLength = Math.Max(0, context.Request.QueryString.Value?.Length - 1 ?? 0);
        var parameters = queryLength == 0 ? 0 : context.Request.Query.Sum(parameter => Math.Max(1, parameter.Value.Count));
        if (queryLength > _limits.MaxQueryLength || parameters > _limits.MaxQueryParameters)
        {
            await Problems.WriteAsync(context, StatusCodes.Status414UriTooLong, "Query string too large",
                $"The query string has {parameters} parameters in {queryLength} characters. The limits are " +
                $"{_limits.MaxQueryParameters} parameters ({Key(nameof(ApiLimitOptions.MaxQueryParameters))}) and " +
                $"{_limits.MaxQueryLength} characters ({Key(nameof(ApiLimitOptions.MaxQueryLength))}).");
            return;
        }

        await next(context);
    }

    private static string Key(string name) => $"{ApiLimitOptions.SectionName}:{name}";
}
