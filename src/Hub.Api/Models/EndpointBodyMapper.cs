using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// Validates an endpoint body and turns it into an <see cref="EndpointConfig"/>, naming every invalid field.
/// </summary>
internal static class EndpointBodyMapper
{
    public const double MaxTimeoutSeconds = 300;
    public const int MaxConcurrencyLimit = 1000;
    public const int MaxRedirectsLimit = 10;
    public const int SmallestBodyLimit = 1024;

    /// <summary>Highest <c>maxBodyBytes</c> an endpoint may set: 32 MiB.</summary>
    public const int LargestBodyLimit = 32 * 1024 * 1024;

    /// <summary>Shortest inbound secret accepted, because the inbound route is reachable without a hub key.</summary>
    public const int MinInboundSecretLength = 16;

    /// <summary>Longest replay window of signed timestamps: one day.</summary>
    public static readonly double MaxInboundToleranceSeconds = InboundAuth.MaxTolerance.TotalSeconds;

    public static EndpointConfig? ToConfig(EndpointBody body, Validation errors)
    {
        var baseUrl = CheckBaseUrl(body.BaseUrl, errors);
        var auth = CheckAuth(body.Auth, errors);
        var timeout = body.TimeoutSeconds ?? 30;
        if (timeout is < 0.1 or > MaxTimeoutSeconds || double.IsNaN(timeout))
        {
            errors.Add("timeoutSeconds", $"Must be between 0.1 and {MaxTimeoutSeconds} seconds.");
        }

        var concurrency = body.MaxConcurrency ?? 32;
        if (concurrency is < 1 or > MaxConcurrencyLimit)
        {
            errors.Add("maxConcurrency", $"Must be between 1 and {MaxConcurrencyLimit}.");
        }

        var maxRedirects = body.MaxRedirects ?? 0;
        if (maxRedirects is < 0 or > MaxRedirectsLimit)
        {
            errors.Add("maxRedirects", $"Must be between 0 (redirects are not followed) and {MaxRedirectsLimit}.");
        }

        var maxBodyBytes = body.MaxBodyBytes ?? EndpointConfig.DefaultMaxBodyBytes;
        if (maxBodyBytes is < SmallestBodyLimit or > LargestBodyLimit)
        {
            errors.Add("maxBodyBytes", $"Must be between {SmallestBodyLimit} and {LargestBodyLimit} bytes (32 MiB).");
        }

        errors.CheckHeaders("headers", body.Headers);
        if (body.RedactJsonFields?.Any(string.IsNullOrWhiteSpace) == true)
        {
            errors.Add("redactJsonFields", "Field names must be non-empty strings.");
        }

        var forward = CheckForward(body.ForwardTo, errors);
        var retry = body.Retry?.ToPolicy(errors) ?? RetryPolicy.Default;
        var health = body.Health?.ToPolicy(errors) ?? HealthPolicy.Default;
        var redactJsonFields = body.RedactJsonFields ?? [.. EndpointConfig.DefaultRedactJsonFields];
        var businessKeys = BusinessKeysBody.Check(body.BusinessKeys, redactJsonFields, errors);
        var journalRetention = body.JournalRetention?.ToPolicy(errors);
        var inboundAuth = CheckInboundAuth(body.InboundAuth, errors);
        if (!errors.IsValid || baseUrl is null)
        {
            return null;
        }

        return new EndpointConfig
        {
            BaseUrl = baseUrl,
            Auth = auth,
            Timeout = TimeSpan.FromSeconds(timeout),
            Headers = body.Headers ?? [],
            MaxConcurrency = concurrency,
            RedactJsonFields = redactJsonFields,
            ForwardTo = forward,
            Retry = retry,
            Health = health,
            BusinessKeys = businessKeys,
            JournalRetention = journalRetention,
            InboundAuth = inboundAuth,
            MaxRedirects = maxRedirects,
            MaxBodyBytes = maxBodyBytes,
        };
    }

    private static Uri? CheckBaseUrl(string? value, Validation errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add("baseUrl", "Required: the absolute http or https URL of the external system.");
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add("baseUrl", $"'{value}' is not an absolute http or https URL.");
            return null;
        }

        if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            errors.Add("baseUrl", "Must not contain user info or a fragment; put credentials in 'auth'.");
            return null;
        }

        return url;
    }

    /// <summary>Validates credentials alone, as <c>PUT /api/endpoints/{endpointId}/credentials</c> sends them.</summary>
    public static EndpointAuth? ToAuth(AuthBody? auth, Validation errors) => CheckAuth(auth, errors);

    private static EndpointAuth? CheckAuth(AuthBody? auth, Validation errors)
    {
        if (auth is null)
        {
            return null;
        }

        switch (auth.Type?.ToLowerInvariant())
        {
            case "bearer":
                Require(auth.Token, "auth.token", "a bearer token", errors);
                return new EndpointAuth { Type = EndpointAuthType.Bearer, Token = auth.Token };
            case "basic":
                Require(auth.Username, "auth.username", "the user name", errors);
                Require(auth.Password, "auth.password", "the password", errors);
                if (auth.Username?.Contains(':', StringComparison.Ordinal) == true)
                {
                    errors.Add("auth.username", "Must not contain ':'.");
                }

                return new EndpointAuth { Type = EndpointAuthType.Basic, Username = auth.Username, Password = auth.Password };
            case "header":
                if (!Validation.IsToken(auth.Name))
                {
                    errors.Add("auth.name", "Required: a valid HTTP header name.");
                }

                Require(auth.Value, "auth.value", "the header value", errors);
                if (auth.Value?.Any(c => c is '\r' or '\n' or '\0') == true)
                {
                    errors.Add("auth.value", "Must not contain line breaks.");
                }

                return new EndpointAuth { Type = EndpointAuthType.Header, HeaderName = auth.Name, HeaderValue = auth.Value };
            default:
                errors.Add("auth.type", "Must be 'bearer', 'basic' or 'header'.");
                return null;
        }
    }

    private static InboundAuth? CheckInboundAuth(InboundAuthBody? auth, Validation errors)
    {
        if (auth is null)
        {
            return null;
        }

        var type = auth.Type switch
        {
            "sharedSecret" => InboundAuthType.SharedSecret,
            "hmac" => InboundAuthType.Hmac,
            _ => (InboundAuthType?)null,
        };
        if (type is null)
        {
            errors.Add("inboundAuth.type", "Must be 'sharedSecret' or 'hmac'.");
        }

        if (!Validation.IsToken(auth.Header))
        {
            errors.Add("inboundAuth.header", "Required: a valid HTTP header name.");
        }
        else if (auth.Header!.Equals(ApiKeyOptions.HeaderName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("inboundAuth.header", $"{ApiKeyOptions.HeaderName} carries hub API keys; use a header such as X-Webhook-Secret or X-Signature.");
        }

        if (string.IsNullOrEmpty(auth.Secret) || auth.Secret.Length < MinInboundSecretLength)
        {
            errors.Add("inboundAuth.secret", $"Required: a secret of at least {MinInboundSecretLength} characters.");
        }
        else if (auth.Secret.Any(char.IsControl) || auth.Secret.Trim().Length != auth.Secret.Length)
        {
            errors.Add("inboundAuth.secret", "Must not contain control characters or leading or trailing spaces.");
        }

        if (auth.TimestampHeader is not null && (type != InboundAuthType.Hmac || !Validation.IsToken(auth.TimestampHeader)))
        {
            errors.Add("inboundAuth.timestampHeader", "Allowed only with type 'hmac', as a valid HTTP header name.");
        }

        var tolerance = auth.ToleranceSeconds ?? InboundAuth.DefaultTolerance.TotalSeconds;
        if (auth.ToleranceSeconds is not null && auth.TimestampHeader is null)
        {
            errors.Add("inboundAuth.toleranceSeconds", "Allowed only with 'timestampHeader'.");
        }
        else if (double.IsNaN(tolerance) || tolerance < 1 || tolerance > MaxInboundToleranceSeconds)
        {
            errors.Add("inboundAuth.toleranceSeconds", $"Must be between 1 and {MaxInboundToleranceSeconds} seconds.");
        }

        return type is null || auth.Header is null
            ? null
            : new InboundAuth
            {
                Type = type.Value,
                Header = auth.Header,
                Secret = auth.Secret,
                TimestampHeader = auth.TimestampHeader,
                Tolerance = TimeSpan.FromSeconds(Math.Clamp(double.IsNaN(tolerance) ? 1 : tolerance, 1, MaxInboundToleranceSeconds)),
            };
    }

    private static ForwardTarget? CheckForward(ForwardBody? forward, Validation errors)
    {
        if (forward is null)
        {
            return null;
        }

        if (!Validation.IsEndpointId(forward.EndpointId))
        {
            errors.Add("forwardTo.endpointId", $"Required: an endpoint id of {Validation.EndpointIdRule}.");
        }

        var method = forward.Method ?? "POST";
        if (!Validation.IsToken(method))
        {
            errors.Add("forwardTo.method", "Must be an HTTP method such as POST or PUT.");
        }

        var path = forward.Path ?? "";
        if (ExchangeUrl.Validate(path) is { } problem)
        {
            errors.Add("forwardTo.path", $"The path {problem}.");
        }

        return new ForwardTarget(forward.EndpointId ?? "", method.ToUpperInvariant(), path);
    }

    private static void Require(string? value, string field, string what, Validation errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, $"Required: {what}.");
        }
    }
}
