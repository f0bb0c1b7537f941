using Orleans.Runtime;

namespace CrmAI.Hub.Alerts;

public sealed class AlertRulesState
{
    public AlertRuleSet? Rules { get; set; }
}

public sealed class AlertRulesGrain(
    [PersistentState("hub-alert-rules", HubStorage.Name)] IPersistentState<AlertRulesState> state)
    : Grain, IAlertRulesGrain
{
    public Task<AlertRuleSet?> GetAsync() => Task.FromResult(state.State.Rules);

    public async Task SetAsync(AlertRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        state.State.Rules = rules;
        await state.WriteStateAsync();
    }
}
