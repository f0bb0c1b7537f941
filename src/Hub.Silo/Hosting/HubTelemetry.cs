using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CrmAI.Hub.Api;
using CrmAI.Hub.Api.Security;
using CrmAI.Hub.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// Metrics, traces and their endpoints. <c>Hub:Telemetry:Enabled=false</c> switches both off (the telemetry
/// benchmark compares the two); the OTLP exporter runs only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class HubTelemetry
{
    public const string EnabledKey = "Hub:Telemetry:Enabled";

    /// <summary>An extra key accepted by <c>/metrics</c> only, for a Prometheus server that should not hold an API key.</summary>
    public const string MetricsKeyKey = "Hub:MetricsKey";

    public const string MetricsPath = "/metrics";

    private const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Registers the meter and tracer providers and Orleans activity propagation.</summary>
    public static WebApplicationBuilder AddHubTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Configuration.GetValue(EnabledKey, defaultValue: true))
        {
            return builder;
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.WithMetrics(metrics => metrics
            .AddMeter(HubMetrics.MeterName, OrleansMeter)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddPrometheusExporter());
        telemetry.WithTracing(tracing => tracing
            .AddSource(HubActivity.SourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
            .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                !context.Request.Path.StartsWithSegments(MetricsPath) && !context.Request.Path.StartsWithSegments("/health"))
            .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = RedactBotToken));
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        // Activity propagation carries the API call's trace into the endpoint grain and on to forward targets.
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        return builder;
    }

    /// <summary>Serves <c>/metrics</c> in the Prometheus text format to callers with a valid key.</summary>
    public static WebApplication UseHubTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Configuration.GetValue(EnabledKey, defaultValue: true))
        {
            return app;
        }

        var metricsKey = app.Configuration[MetricsKeyKey];
        var metricsKeyHash = string.IsNullOrEmpty(metricsKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(metricsKey));

        // A middleware branch rather than a routed endpoint: /metrics lies outside /api, so the key check of
        // the API does not see it, and this branch checks the key itself before the exporter runs.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal),
            path: null,
            configureBranchedPipeline: branch => branch.Use((context, next) => CheckKeyAsync(context, next, metricsKeyHash)),
            optionsName: null);
        return app;
    }

    private static async Task CheckKeyAsync(HttpContext context, RequestDelegate next, byte[]? metricsKeyHash)
    {
        var presented = context.Request.Headers[ApiKeyOptions.HeaderName].ToString();
        if (presented.Length == 0)
        {
            await RejectAsync(context, "API key missing",
                $"Send the API key or the metrics key in the {ApiKeyOptions.HeaderName} header.");
            return;
        }

        if (metricsKeyHash is not null &&
            CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), metricsKeyHash))
        {
            await next(context);
            return;
        }

        var authenticator = context.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        var caller = await authenticator.AuthenticateAsync(presented, context.RequestAborted);
        if (caller is null || !caller.Has(ApiScope.Read))
        {
            await RejectAsync(context, "API key invalid",
                $"The {ApiKeyOptions.HeaderName} header carries neither a key with the read scope nor the metrics key.");
            return;
        }

        await next(context);
    }

    private static Task RejectAsync(HttpContext context, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: title).ExecuteAsync(context);

    // Telegram Bot API paths start with /bot<token>/, so the span keeps the method name and drops the token.
    private static void RedactBotToken(Activity activity, HttpRequestMessage request)
    {
        if (request.RequestUri is { } uri && uri.AbsolutePath.StartsWith("/bot", StringComparison.Ordinal))
        {
            var method = uri.AbsolutePath[(uri.AbsolutePath.LastIndexOf('/') + 1)..];
            activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}/bot<redacted>/{method}");
            activity.SetTag("url.path", null);
        }
    }
}
