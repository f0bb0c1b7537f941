using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using CrmAI.Hub.Contracts;

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

    public async Task<AttemptResult> SendAsync(EndpointConfig config, ExchangeRequest exchange)
    {
        var url = ExchangeUrl.Build(config.BaseUrl, exchange.Path, exchange.Query);
        var (body, contentType) = RequestBody(exchange);
        using var request = CreateRequest(config, exchange, url, body, contentType);
        var requestHeaders = Flatten(request.Headers, request.Content?.Headers);
        var startedAt = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(config.Timeout, time);

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
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            result = result with
            {
                StatusCode = (int)response.StatusCode,
                ResponseHeaders = Flatten(response.Headers, response.Content.Headers),
                ResponseContentType = response.Content.Headers.ContentType?.ToString(),
                Outcome = response.IsSuccessStatusCode ? Outcome.Success : Outcome.HttpError,
            };

            var (wire, cut) = await ReadLimitedAsync(response.Content, timeout.Token);
            var decoded = BodyCodec.Decode(wire, result.ResponseContentType, [.. response.Content.Headers.ContentEncoding]);
            result = result with { ResponseBody = decoded with { Cut = decoded.Cut || cut } };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = result with
            {
                Outcome = Outcome.Timeout,
                Error = $"No complete response within {config.Timeout.TotalSeconds:0.###} s",
            };
        }
        catch (HttpRequestException error) when (error.InnerException is AddressRejectedException rejected)
        {
            result = result with { Outcome = Outcome.NetworkError, Error = rejected.Message, AddressRejected = true };
        }
        catch (HttpRequestException error)
        {
            result = result with { Outcome = Outcome.NetworkError, Error = Describe(error) };
        }
        catch (IOException error)
        {
            result = result with { Outcome = Outcome.NetworkError, Error = Describe(error) };
        }

        return result with { Duration = clock.Elapsed };
    }

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

    private static HttpRequestMessage CreateRequest(
        EndpointConfig config, ExchangeRequest exchange, Uri url, byte[] body, string? contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(exchange.Method), url);
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
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
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
        if (exchange.CorrelationId is { } correlationId && !request.Headers.Contains(CorrelationHeader))
        {
            request.Headers.TryAddWithoutValidation(CorrelationHeader, correlationId);
        }

        AddAuth(request, config.Auth);
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
