using CrmAI.Hub.Contracts;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// One external system, keyed by its endpoint id. It runs exchanges against the system, retries and parks
/// failed ones, journals every attempt and keeps the endpoint's configuration and counters.
/// </summary>
[Alias("hub.IEndpointGrain")]
public interface IEndpointGrain : IGrainWithStringKey
{
    /// <summary>Returns the configuration, or null when the endpoint does not exist.</summary>
    [Alias("GetConfig")]
    Task<EndpointConfig?> GetConfigAsync();

    /// <summary>Returns the largest request body the endpoint accepts, or null when the endpoint does not exist.</summary>
    [Alias("GetBodyLimit")]
    Task<int?> GetBodyLimitAsync();

    /// <summary>Creates or replaces the configuration. Returns true when the endpoint is new.</summary>
    [Alias("Configure")]
    Task<bool> ConfigureAsync(EndpointConfig config);

    /// <summary>Deletes the configuration and counters. Returns false when the endpoint did not exist.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    /// <summary>
    /// Submits an exchange. With <see cref="SubmitOptions.Wait"/> it returns once the first attempt and the quick
    /// retries are over and journaled. Returns null when the endpoint does not exist.
    /// </summary>
    [Alias("Execute")]
    Task<ExchangeResult?> ExecuteAsync(ExchangeRequest request, SubmitOptions options);

    /// <summary>
    /// Replaces the credentials and replays every parked exchange in submission order, in the background.
    /// Returns the number of parked exchanges, or null when the endpoint does not exist.
    /// </summary>
    [Alias("UpdateCredentials")]
    Task<int?> UpdateCredentialsAsync(EndpointAuth? auth);

    /// <summary>
    /// Runs a dead-lettered or failed exchange again and returns its new result, or null when the endpoint has no
    /// such exchange in a replayable state.
    /// </summary>
    [Alias("Replay")]
    Task<ExchangeResult?> ReplayAsync(Guid exchangeId);

    /// <summary>Replays the matching dead-lettered exchanges in the background and returns how many.</summary>
    [Alias("ReplayDeadLetters")]
    Task<int> ReplayDeadLettersAsync(DeadLetterFilter filter);

    /// <summary>
    /// Journals data the external system pushed and starts forwarding it when the endpoint has a forward
    /// target. Returns null when the endpoint does not exist.
    /// </summary>
    [Alias("Receive")]
    Task<InboundResult?> ReceiveAsync(InboundRequest request);

    /// <summary>Returns the endpoint's health windows and status, or null when the endpoint does not exist.</summary>
    [Alias("GetHealth")]
    Task<EndpointHealth?> GetHealthAsync();

    /// <summary>Returns the endpoint's recent activity, or null when the endpoint does not exist.</summary>
    [Alias("GetStatus")]
    Task<EndpointStatus?> GetStatusAsync();
}
