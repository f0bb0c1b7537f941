using System.Globalization;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Retries;

/// <summary>
/// How a failed attempt is handled: retried, parked until the credentials work, or given up at once.
/// </summary>
public enum FailureClass
{
    None,
    Transient,
    Auth,
    Permanent,
}

/// <summary>
/// Classifies attempts by an endpoint's retry policy and reads <c>Retry-After</c>.
/// </summary>
public static class AttemptClassifier
{
    public static FailureClass Classify(AttemptResult attempt, RetryPolicy policy)
    {
        switch (attempt.Outcome)
        {
            case Outcome.Success:
                return FailureClass.None;
            case Outcome.NetworkError when attempt.AddressRejected:
                return FailureClass.Permanent;
            case Outcome.Timeout or Outcome.NetworkError:
                return FailureClass.Transient;
            case Outcome.InvalidRequest:
                return FailureClass.Permanent;
        }

        var status = attempt.StatusCode ?? 0;
        if (policy.PermanentStatusCodes.Contains(status))
        {
            return FailureClass.Permanent;
        }

        if (status is 401 or 403)
        {
            return FailureClass.Auth;
        }

        return policy.TransientStatusCodes.Contains(status) ? FailureClass.Transient : FailureClass.Permanent;
    }

    /// <summary>Returns the wait a response requests in <c>Retry-After</c> (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? RetryAfter(AttemptResult attempt, DateTimeOffset now)
    {
        var value = attempt.ResponseHeaders?
            .FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }
}
