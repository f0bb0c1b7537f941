using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// One external system, keyed by its endpoint id. It runs exchanges against the system, journals every
/// attempt and keeps the endpoint's configuration and counters.
/// </summary>
[Alias("hub.IEndpointGrain")]
public interface IEndpointGrain : IGrainWithStringKey
{
    /// <summary>Returns the configuration, or null when the endpoint does not exist.</summary>
    [Alias("GetConfig")]
    Task<EndpointConfig?> GetConfigAsync();

    /// <summary>Creates or replaces the configuration. Returns true when the endpoint is new.</summary>
    [Alias("Configure")]
    Task<bool> ConfigureAsync(EndpointConfig config);

    /// <summary>Deletes the configuration and counters. Returns false when the endpoint did not exist.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>
    /// Runs one exchange and returns once its result is journaled, or null when the endpoint does not exist.
    /// </summary>
    /// <param name="request">What to send.</param>
    /// <param name="exchangeId">Id to journal the exchange under; a new one when null.</param>
    [Alias("Execute")]
    Task<ExchangeResult?> ExecuteAsync(ExchangeRequest request, Guid? exchangeId);

    /// <summary>
    /// Journals data the external system pushed and starts forwarding it when the endpoint has a forward
    /// target. Returns null when the endpoint does not exist.
    /// </summary>
    [Alias("Receive")]
    Task<InboundResult?> ReceiveAsync(InboundRequest request);

    /// <summary>Returns the endpoint's recent activity, or null when the endpoint does not exist.</summary>
    [Alias("GetStatus")]
    Task<EndpointStatus?> GetStatusAsync();
}
