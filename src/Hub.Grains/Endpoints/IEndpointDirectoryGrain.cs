namespace CrmAI.Hub.Endpoints;

/// <summary>
/// The set of configured endpoint ids, so they can be listed. There is one instance, keyed by
/// <see cref="Key"/>; endpoint grains add and remove themselves.
/// </summary>
[Alias("hub.IEndpointDirectoryGrain")]
public interface IEndpointDirectoryGrain : IGrainWithStringKey
{
    const string Key = "all";

    [Alias("Add")]
    Task AddAsync(string endpointId);

    [Alias("Remove")]
    Task RemoveAsync(string endpointId);

    /// <summary>Returns every endpoint id in ordinal order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
