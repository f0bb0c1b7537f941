using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// Checks inbound data against an endpoint's <see cref="InboundAuth"/>. Secrets and signatures are compared in
/// constant time.
/// </summary>
public static class InboundAuthCheck
{
    /// <summary>Prefix that some senders put before the hex signature, as in <c>sha256=3f…</c>.</summary>
    public const string SignaturePrefix = "sha256=";

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>
    /// Checks the request. Returns null when it is authentic, else the reason for the journal, which never contains
    /// the secret or the expected signature.
    /// </summary>
    public static string? Failure(InboundAuth auth, InboundRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(auth.Secret))
        {
            return "The endpoint's inbound secret is not available (it could not be decrypted); send the endpoint configuration again";
        }

        if (HeaderValue(request, auth.Header) is not { Length: > 0 } presented)
        {
            return $"The {auth.Header} header is missing";
        }

        return auth.Type switch
        {
            InboundAuthType.SharedSecret => SecretsEqual(presented, auth.Secret) ? null : $"The {auth.Header} header does not carry the shared secret",
            InboundAuthType.Hmac => HmacFailure(auth, request, presented, now),
            _ => $"Inbound authentication type {auth.Type} is not supported",
        };
    }

    /// <summary>
    /// Returns the HMAC of an authentic timestamped request and the time until which it is remembered, for replay
    /// detection.
    /// Returns null when the endpoint signs the body alone, because nothing then bounds how long the hub would have to
    /// remember it. Call it only after <see cref="Failure"/> returned null.
    /// </summary>
    public static SignedDelivery? Delivery(InboundAuth auth, InboundRequest request)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(request);
        if (auth.Type != InboundAuthType.Hmac || auth.TimestampHeader is not { } timestampHeader || auth.Secret is not { } secret)
        {
            return null;
        }

        var timestamp = HeaderValue(request, timestampHeader);
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > MaxUnixSeconds - (long)InboundAuth.MaxTolerance.TotalSeconds)
        {
            return null;
        }

        // The record outlives the largest tolerance, so raising the endpoint's tolerance later does not let an earlier
        // request through again.
        return new SignedDelivery(Mac(secret, request.Body, timestamp), DateTimeOffset.FromUnixTimeSeconds(seconds) + InboundAuth.MaxTolerance);
    }

    /// <summary>Returns the lower-case hex HMAC-SHA256 of the signed content: the body, or <c>timestamp + "." + body</c>.</summary>
    public static string Sign(string secret, byte[] body, string? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(body);
        return Convert.ToHexStringLower(Mac(secret, body, timestamp));
    }

    private static string? HmacFailure(InboundAuth auth, InboundRequest request, string presented, DateTimeOffset now)
    {
        string? timestamp = null;
        if (auth.TimestampHeader is { } timestampHeader)
        {
            timestamp = HeaderValue(request, timestampHeader);
            if (string.IsNullOrEmpty(timestamp))
            {
                return $"The {timestampHeader} header is missing";
            }

            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return $"The {timestampHeader} header is not a Unix time in seconds";
            }

            // The age is exact, not in whole seconds, so a request is accepted only while now <= timestamp + tolerance.
            var age = seconds > MaxUnixSeconds
                ? now.ToUnixTimeSeconds() - (double)seconds
                : (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalSeconds;
            if (Math.Abs(age) > auth.Tolerance.TotalSeconds)
            {
                var direction = age > 0 ? "older than" : "ahead of";
                return string.Create(CultureInfo.InvariantCulture,
                    $"The {timestampHeader} header is {Math.Abs(age):0.###} s {direction} the hub's clock, more than the tolerance of {auth.Tolerance.TotalSeconds} s");
            }
        }

        var hex = presented.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) ? presented[SignaturePrefix.Length..] : presented;
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            return $"The {auth.Header} header is not a hex HMAC-SHA256 signature";
        }

        var expected = Mac(auth.Secret!, request.Body, timestamp);
        return CryptographicOperations.FixedTimeEquals(signature, expected) ? null : $"The {auth.Header} signature does not match the body";
    }

    private static byte[] Mac(string secret, byte[] body, string? timestamp)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        if (timestamp is not null)
        {
            var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
            hmac.TransformBlock(prefix, 0, prefix.Length, null, 0);
        }

        hmac.TransformFinalBlock(body, 0, body.Length);
        return hmac.Hash!;
    }

    // Hashing both sides first makes the comparison take the same time whatever the lengths of the two values.
    private static bool SecretsEqual(string presented, string secret) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string? HeaderValue(InboundRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value)
            ? value
            : request.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// The HMAC of an authentic timestamped inbound request and the time until which the hub remembers it: the timestamp
/// plus the largest tolerance.
/// </summary>
public sealed record SignedDelivery(byte[] Signature, DateTimeOffset RememberUntil);
