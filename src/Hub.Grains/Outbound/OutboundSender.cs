using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Sends one attempt of an exchange and classifies how it ended. It never throws for a failure of the
/// external system: timeouts and network errors come back as outcomes.
/// </summary>
public sealed class OutboundSender(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "outbound";

    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>Response bytes read before the rest of a response is dropped. 32 MiB.</summary>
    public const int MaxResponseBytes = 32 * 1024 * 1024;

    // Headers that a redirect to another origin keeps: they describe the content and the exchange, and carry no
    // credentials whatever the endpoint's naming.
    private static readonly HashSet<string> CrossOriginHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Language", "Content-Language", "User-Agent", "Idempotency-Key", CorrelationHeader,
    };

    public async Task<AttemptResult> SendAsync(EndpointConfig config, ExchangeRequest exchange)
    {
        var url = ExchangeUrl.Build(config.BaseUrl, exchange.Path, exchange.Query);
        var (body, contentType) = RequestBody(exchange);
        var request = CreateRequest(config, exchange, new HttpMethod(exchange.Method), url, body, contentType, withCredentials: true);
        var requestHeaders = Flatten(request.Headers, request.Content?.Headers);
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(config.Timeout, time);
        var redirects = new List<RedirectHop>();

        var result = new AttemptResult
        {
            Outcome = Outcome.Success,
            Url = url,
            RequestHeaders = requestHeaders,
            RequestBody = body,
            RequestContentType = contentType,
            StartedAt = startedAt,
            Duration = TimeSpan.Zero,
        };

        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);

            // Each hop is a new request through the same connector, so its address passes the same guard.
            while (RedirectTarget(response) is { } target && redirects.Count < config.MaxRedirects && IsHttp(target))
            {
                redirects.Add(new RedirectHop(request.RequestUri!.ToString(), (int)response.StatusCode, target.ToString()));
                var method = RedirectMethod(request.Method, response.StatusCode);
                var keepsBody = method == request.Method;
                response.Dispose();
                request.Dispose();
                request = CreateRequest(config, exchange, method, target, keepsBody ? body : [], keepsBody ? contentType : null,
                    withCredentials: SameOrigin(target, config.BaseUrl));
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }

            using (response)
            {
                result = result with
                {
                    StatusCode = (int)response.StatusCode,
                    ResponseHeaders = Flatten(response.Headers, response.Content.Headers),
                    ResponseContentType = response.Content.Headers.ContentType?.ToString(),
                    Outcome = response.IsSuccessStatusCode ? Outcome.Success : Outcome.HttpError,
                    Error = UnfollowedRedirect(response, config, redirects.Count),
                };

                var (wire, cut) = await ReadLimitedAsync(response.Content, timeout.Token);
                var decoded = BodyCodec.Decode(wire, result.ResponseContentType, [.. response.Content.Headers.ContentEncoding]);
                result = result with { ResponseBody = decoded with { Cut = decoded.Cut || cut } };
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = result with
            {
                Outcome = Outcome.Timeout,
                Error = $"No complete response within {config.Timeout.TotalSeconds:0.###} s{AfterRedirects(redirects)}",
            };
        }
        catch (HttpRequestException error) when (error.InnerException is AddressRejectedException rejected)
        {
            result = result with { Outcome = Outcome.NetworkError, Error = rejected.Message + AfterRedirects(redirects), AddressRejected = true };
        }
        catch (HttpRequestException error)
        {
            result = result with { Outcome = Outcome.NetworkError, Error = Describe(error) + AfterRedirects(redirects) };
        }
        catch (IOException error)
        {
            result = result with { Outcome = Outcome.NetworkError, Error = Describe(error) + AfterRedirects(redirects) };
        }
        finally
        {
            request.Dispose();
        }

        return result with { Duration = clock.Elapsed, Redirects = redirects };
    }

    private static bool IsSafeValue(string value) => !value.Any(char.IsControl);

    private static Uri? RedirectTarget(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
        && response.Headers.Location is { } location
        && response.RequestMessage?.RequestUri is { } from
            ? new Uri(from, location)
            : null;

    private static bool IsHttp(Uri url) => url.Scheme is "http" or "https";

    // 303 always turns into GET, and 301 and 302 turn a POST into GET, as browsers do; 307 and 308 keep the method
    // and the body.
    private static HttpMethod RedirectMethod(HttpMethod method, HttpStatusCode status) =>
        status == HttpStatusCode.SeeOther && method != HttpMethod.Head
        || status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post
            ? HttpMethod.Get
            : method;

    private static bool SameOrigin(Uri target, Uri baseUrl) =>
        target.Scheme == baseUrl.Scheme
        && string.Equals(target.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && target.Port == baseUrl.Port;

    // Says why a redirect that ended the attempt was not followed; null for any other response.
    private static string? UnfollowedRedirect(HttpResponseMessage response, EndpointConfig config, int followed)
    {
        if (RedirectTarget(response) is not { } target)
        {
            return null;
        }

        if (!IsHttp(target))
        {
            return $"Redirect to {target.Scheme}: not followed, because only http and https redirects are";
        }

        return config.MaxRedirects == 0
            ? $"Redirect to {target} not followed: the endpoint's maxRedirects is 0"
            : $"Stopped after {followed} redirects, the endpoint's maxRedirects. The last response redirects to {target}";
    }

    private static string AfterRedirects(List<RedirectHop> redirects) =>
        redirects.Count == 0 ? "" : $" (after {redirects.Count} redirects, at {redirects[^1].To})";

    private static (byte[] Body, string? ContentType) RequestBody(ExchangeRequest exchange)
    {
        var declared = exchange.ContentType
            ?? exchange.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (exchange.BodyBytes is { } bytes)
        {
            return (bytes, declared ?? "application/octet-stream");
        }

        if (exchange.Body is null)
        {
            return ([], declared);
        }

        var fallback = exchange.BodyIsJson ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
        return (Encoding.UTF8.GetBytes(exchange.Body), declared ?? fallback);
    }

    // Without credentials (a redirect to another origin) the endpoint's auth is left out, and of the configured and
    // submitted headers only those in CrossOriginHeaders are sent. Values with control characters are never sent,
    // because TryAddWithoutValidation would put a line break on the wire.
    private static HttpRequestMessage CreateRequest(
        EndpointConfig config, ExchangeRequest exchange, HttpMethod method, Uri url, byte[] body, string? contentType,
        bool withCredentials)
    {
        var request = new HttpRequestMessage(method, url);
        if (body.Length > 0 || contentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var (name, value) in config.Headers.Concat(exchange.Headers))
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || !withCredentials && !CrossOriginHeaders.Contains(name)
                || !IsSafeValue(value))
            {
                continue;
            }

            request.Headers.Remove(name);
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        // The external system can match the request to its business operation, as the journal does.
        if (exchange.CorrelationId is { } correlationId && IsSafeValue(correlationId) && !request.Headers.Contains(CorrelationHeader))
        {
            request.Headers.TryAddWithoutValidation(CorrelationHeader, correlationId);
        }

        if (withCredentials)
        {
            AddAuth(request, config.Auth);
        }

        return request;
    }

    private static void AddAuth(HttpRequestMessage request, EndpointAuth? auth)
    {
        switch (auth)
        {
            case { Type: EndpointAuthType.Bearer, Token: { } token }:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
            case { Type: EndpointAuthType.Basic, Username: { } user }:
                var pair = Encoding.UTF8.GetBytes($"{user}:{auth.Password}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
                break;
            case { Type: EndpointAuthType.Header, HeaderName: { } name, HeaderValue: { } value }:
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
                break;
        }
    }

    private static async Task<(byte[] Bytes, bool Cut)> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                buffer.Write(chunk, 0, (int)(MaxResponseBytes - buffer.Length));
                return (buffer.ToArray(), true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }

    private static List<KeyValuePair<string, string>> Flatten(HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        var all = contentHeaders is null ? headers : headers.Concat(contentHeaders);
        return all.Select(h => KeyValuePair.Create(h.Key, string.Join(", ", h.Value))).ToList();
    }

    private static string Describe(Exception error)
    {
        var innermost = error;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        var kind = error is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http
            ? $"{http.HttpRequestError}: "
            : "";
        return innermost == error || error.Message.Contains(innermost.Message, StringComparison.Ordinal)
            ? kind + error.Message
            : $"{kind}{error.Message} ({innermost.Message})";
    }
}
