using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The state of every endpoint, with the worst of them as the overall status.
/// </summary>
public sealed record StatusView(HealthStatus Overall, DateTimeOffset GeneratedAt, IReadOnlyList<EndpointStatusView> Endpoints);

/// <summary>
/// One endpoint's state; the recent counts cover the last 15 minutes.
/// </summary>
public sealed record EndpointStatusView(
    string EndpointId,
    HealthStatus Status,
    DateTimeOffset? LastExchangeAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    int ExchangesLast15Minutes,
    int FailuresLast15Minutes,
    long TotalExchanges,
    long TotalFailures,
    int ConsecutiveFailures,
    int Pending,
    int Parked,
    int DeadLettered,
    IReadOnlyList<int> FailuresPerHour)
{
    public static EndpointStatusView From(EndpointStatus s) => new(
        s.EndpointId, s.Status, s.LastExchangeAt, s.LastSuccessAt, s.LastFailureAt, s.RecentExchanges,
        s.RecentFailures, s.TotalExchanges, s.TotalFailures, s.ConsecutiveFailures, s.Pending, s.Parked,
        s.DeadLettered, s.FailuresPerHour);
}
