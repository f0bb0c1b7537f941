using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The JSON body of <c>PUT /api/endpoints/{endpointId}</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EndpointBody
{
    /// <summary>Absolute http or https URL of the external system.</summary>
    [Required]
    public string? BaseUrl { get; init; }

    public AuthBody? Auth { get; init; }

    /// <summary>Time limit of one attempt in seconds, 0.1 to 300. Default 30.</summary>
    public double? TimeoutSeconds { get; init; }

    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>Exchanges that may run at once, 1 to 1000. Default 32.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>JSON fields whose values never reach the journal. Default password, token, secret, apiKey.</summary>
    public List<string>? RedactJsonFields { get; init; }

    public ForwardBody? ForwardTo { get; init; }

    /// <summary>Quick and durable retries, auth parking, backlog limit and circuit breaker.</summary>
    public RetryBody? Retry { get; init; }

    /// <summary>Status thresholds: <c>expectedActivity</c> (silence), <c>downAfterConsecutiveFailures</c>, …</summary>
    public HealthBody? Health { get; init; }

    /// <summary>JSON paths such as <c>$.order.number</c> whose values are stored as journal business keys.</summary>
    public List<string>? BusinessKeys { get; init; }

    /// <summary>Journal retention days of this endpoint: <c>hotDays</c>, <c>warmDays</c>, <c>coldDays</c>.</summary>
    public JournalRetentionBody? JournalRetention { get; init; }

    /// <summary>How senders of inbound data authenticate instead of a hub API key: a shared secret or an HMAC signature.</summary>
    public InboundAuthBody? InboundAuth { get; init; }

    /// <summary>Redirects followed per attempt, 0 to 10. Default 0: a redirect is the response. Each hop passes the
    /// address guard and is journaled; credentials go only to the base URL's origin.</summary>
    public int? MaxRedirects { get; init; }

    /// <summary>Largest body, in bytes, of an exchange for this endpoint or of inbound data it receives,
    /// 1024 to 33554432 (32 MiB). Default 1048576 (1 MiB); larger bodies get 413.</summary>
    public int? MaxBodyBytes { get; init; }
}

/// <summary>
/// The <c>health</c> member of an endpoint body; members left out take the defaults of <see cref="HealthPolicy"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record HealthBody(
    string? ExpectedActivity = null,
    int? DownAfterConsecutiveFailures = null,
    double? DegradedFailureRate = null,
    int? DegradedMinExchanges = null)
{
    internal HealthPolicy ToPolicy(Validation errors)
    {
        var defaults = HealthPolicy.Default;
        if (DownAfterConsecutiveFailures is < 1)
        {
            errors.Add("health.downAfterConsecutiveFailures", "Must be at least 1.");
        }

        // Written as a negated range, so NaN (which the string "NaN" becomes) fails the check too.
        if (DegradedFailureRate is { } rate && !(rate > 0 && rate <= 1))
        {
            errors.Add("health.degradedFailureRate", "Must be greater than 0 and at most 1.");
        }

        if (DegradedMinExchanges is < 1)
        {
            errors.Add("health.degradedMinExchanges", "Must be at least 1.");
        }

        return new HealthPolicy
        {
            ExpectedActivity = ExpectedActivity is null
                ? null
                : RetryBody.Duration("health.expectedActivity", ExpectedActivity, TimeSpan.Zero, errors, TimeSpan.FromSeconds(1)),
            DownAfterConsecutiveFailures = DownAfterConsecutiveFailures ?? defaults.DownAfterConsecutiveFailures,
            DegradedFailureRate = DegradedFailureRate ?? defaults.DegradedFailureRate,
            DegradedMinExchanges = DegradedMinExchanges ?? defaults.DegradedMinExchanges,
        };
    }

    public static HealthBody From(HealthPolicy policy) => new(
        policy.ExpectedActivity is { } expected ? Durations.Write(expected) : null,
        policy.DownAfterConsecutiveFailures, policy.DegradedFailureRate, policy.DegradedMinExchanges);
}

/// <summary>
/// Credentials: <c>{"type":"bearer","token"}</c>, <c>{"type":"basic","username","password"}</c> or
/// <c>{"type":"header","name","value"}</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AuthBody(
    [property: Required] string? Type = null,
    string? Token = null,
    string? Username = null,
    string? Password = null,
    string? Name = null,
    string? Value = null);

/// <summary>
/// Inbound authentication: <c>{"type":"sharedSecret","header","secret"}</c> or
/// <c>{"type":"hmac","header","secret","timestampHeader","toleranceSeconds"}</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InboundAuthBody(
    [property: Required] string? Type = null,
    [property: Required] string? Header = null,
    [property: Required] string? Secret = null,
    string? TimestampHeader = null,
    double? ToleranceSeconds = null);

/// <summary>
/// Where inbound data is delivered: an endpoint, and the method and path of the outbound request.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ForwardBody([property: Required] string? EndpointId = null, string? Method = null, string? Path = null);

/// <summary>
/// An endpoint's configuration as the API shows it: secrets are never included.
/// </summary>
public sealed record EndpointView(
    string EndpointId,
    string BaseUrl,
    AuthView? Auth,
    double TimeoutSeconds,
    IReadOnlyDictionary<string, string> Headers,
    int MaxConcurrency,
    IReadOnlyList<string> RedactJsonFields,
    ForwardTarget? ForwardTo,
    RetryView Retry,
    HealthBody Health,
    IReadOnlyList<string> BusinessKeys,
    JournalRetentionBody? JournalRetention,
    InboundAuthView? InboundAuth,
    int MaxRedirects,
    int MaxBodyBytes)
{
    public static EndpointView From(string endpointId, EndpointConfig config) => new(
        endpointId,
        config.BaseUrl.ToString(),
        config.Auth is null ? null : AuthView.From(config.Auth),
        config.Timeout.TotalSeconds,
        config.Headers.ToDictionary(h => h.Key, h => Redactor.IsSecretHeader(h.Key) ? Redactor.Mask : h.Value),
        config.MaxConcurrency,
        config.RedactJsonFields,
        config.ForwardTo,
        RetryView.From(config.Retry),
        HealthBody.From(config.Health),
        config.BusinessKeys,
        JournalRetentionBody.From(config.JournalRetention),
        config.InboundAuth is null ? null : InboundAuthView.From(config.InboundAuth),
        config.MaxRedirects,
        config.MaxBodyBytes);
}

/// <summary>
/// Credentials as the API shows them: the type and the non-secret parts, with <c>configured</c> telling that a
/// secret is set.
/// </summary>
public sealed record AuthView(string Type, string? Username, string? Name, bool Configured)
{
    public static AuthView From(EndpointAuth auth) => new(
        auth.Type.ToString().ToLowerInvariant(),
        auth.Username,
        auth.HeaderName,
        auth.Secrets().Any());
}

/// <summary>
/// Inbound authentication as the API shows it: the type and header names, with <c>configured</c> telling that a
/// secret is set. The tolerance is null without a timestamp header.
/// </summary>
public sealed record InboundAuthView(string Type, string Header, string? TimestampHeader, double? ToleranceSeconds, bool Configured)
{
    public static InboundAuthView From(InboundAuth auth) => new(
        auth.Type == InboundAuthType.Hmac ? "hmac" : "sharedSecret",
        auth.Header,
        auth.TimestampHeader,
        auth.TimestampHeader is null ? null : auth.Tolerance.TotalSeconds,
        !string.IsNullOrEmpty(auth.Secret));
}

/// <summary>
/// How many exchanges a replay started.
/// </summary>
public sealed record ReplayStarted(int Replaying);
