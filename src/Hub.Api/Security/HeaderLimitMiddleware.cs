using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Rejects requests whose headers exceed <see cref="ApiLimitOptions"/> with a 431 ProblemDetails. Kestrel enforces
/// higher limits of its own, which return 431 without a body, as a backstop.
/// </summary>
public sealed class HeaderLimitMiddleware(RequestDelegate next, IOptions<ApiLimitOptions> options)
{
    private readonly ApiLimitOptions _limits = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
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
                $"({ApiLimitOptions.SectionName}:{nameof(ApiLimitOptions.MaxHeaderCount)}) and {_limits.MaxHeaderBytes} characters " +
                $"({ApiLimitOptions.SectionName}:{nameof(ApiLimitOptions.MaxHeaderBytes)}).");
            return;
        }

        await next(context);
    }
}
