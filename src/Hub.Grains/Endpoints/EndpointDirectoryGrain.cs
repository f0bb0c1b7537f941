using Orleans.Runtime;

namespace CrmAI.Hub.Endpoints;

public sealed class EndpointDirectoryState
{
    public SortedSet<string> EndpointIds { get; set; } = new(StringComparer.Ordinal);
}

public sealed class EndpointDirectoryGrain(
    [PersistentState("hub-endpoint-directory", HubStorage.Name)] IPersistentState<EndpointDirectoryState> state)
    : Grain, IEndpointDirectoryGrain
{
    public async Task AddAsync(string endpointId)
    {
        if (state.State.EndpointIds.Add(endpointId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string endpointId)
    {
        if (state.State.EndpointIds.Remove(endpointId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.EndpointIds]);
}
