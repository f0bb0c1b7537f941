using CrmAI.Hub.Contracts;
using CrmAI.Hub.Exchanges;
using CrmAI.Hub.Journal;
using CrmAI.Hub.Outbound;
using CrmAI.Hub.Retries;
using CrmAI.Hub.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Polly;

namespace CrmAI.Hub.Endpoints;

/// <summary>
/// One external system. Exchanges interleave, limited by the endpoint's <c>maxConcurrency</c>; every attempt
/// is journaled before its result is returned. Exchanges that do not succeed at once are kept in
/// <see cref="IExchangeStore"/> and woken by a timer while the grain is active and by a reminder otherwise.
/// </summary>
[Reentrant]
#pragma warning disable CA1001 // The semaphores never create a wait handle, so there is nothing to dispose.
public sealed partial class EndpointGrain : Grain, IEndpointGrain, IRemindable
#pragma warning restore CA1001
{
    private static readonly TimeSpan StatsFlushPeriod = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<EndpointConfigState> _config;
    private readonly IPersistentState<EndpointStatsState> _stats;
    private readonly OutboundSender _sender;
    private readonly IJournal _journal;
    private readonly IExchangeStore _store;
    private readonly IInboundSignatureStore _signatures;
    private readonly JournalOptions _journalOptions;
    private readonly RetryOptions _retryOptions;
    private readonly string _silo;
    private readonly TimeProvider _time;
    private readonly ILogger<EndpointGrain> _logger;
    private readonly CircuitBreaker _circuit;
    private SemaphoreSlim _slots = new(1);
    private int _slotCount = 1;
    private Redactor? _redactor;
    private BusinessKeyExtractor _businessKeys = BusinessKeyExtractor.None;
    private ResiliencePipeline<AttemptResult> _quickRetries = ResiliencePipeline<AttemptResult>.Empty;
    private bool _statsDirty;

    public EndpointGrain(
        [PersistentState("hub-endpoint-config", HubStorage.Name)] IPersistentState<EndpointConfigState> config,
        [PersistentState("hub-endpoint-stats", HubStorage.Name)] IPersistentState<EndpointStatsState> stats,
        OutboundSender sender,
        IJournal journal,
        IExchangeStore store,
        IInboundSignatureStore signatures,
        IOptions<JournalOptions> journalOptions,
        IOptions<RetryOptions> retryOptions,
        ILocalSiloDetails silo,
        TimeProvider time,
        ILogger<EndpointGrain> logger)
    {
        _config = config;
        _stats = stats;
        _sender = sender;
        _journal = journal;
        _store = store;
        _signatures = signatures;
        _journalOptions = journalOptions.Value;
        _retryOptions = retryOptions.Value;
        _silo = silo.Name;
        _time = time;
        _logger = logger;
        _circuit = new CircuitBreaker(time);
    }

    private string EndpointId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ApplyConfig(_config.State.Config);
        this.RegisterGrainTimer(FlushStatsAsync, StatsFlushPeriod, StatsFlushPeriod);
        if (_config.State.Config is not null)
        {
            await LoadBacklogAsync(cancellationToken);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        BacklogRegistry.Remove(_silo, EndpointId);
        await FlushStatsAsync(cancellationToken);
    }

    public Task<EndpointConfig?> GetConfigAsync() => Task.FromResult(_config.State.Config);

    public Task<int?> GetBodyLimitAsync() => Task.FromResult(_config.State.Config?.MaxBodyBytes);

    public async Task<bool> ConfigureAsync(EndpointConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var created = _config.State.Config is null;
        _config.State.Config = config;
        await _config.WriteStateAsync();
        ApplyConfig(config);
        if (_stats.State.CreatedAt is null)
        {
            _stats.State.CreatedAt = _time.GetUtcNow();
            await _stats.WriteStateAsync();
        }

        PushHealthNow();
        if (created)
        {
            await GrainFactory.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).AddAsync(EndpointId);
            await LoadBacklogAsync(CancellationToken.None);
        }

        return created;
    }

    public async Task<bool> DeleteAsync()
    {
        if (_config.State.Config is null)
        {
            return false;
        }

        await _config.ClearStateAsync();
        await _stats.ClearStateAsync();
        _statsDirty = false;
        ApplyConfig(null);
        BacklogRegistry.Remove(_silo, EndpointId);
        await GrainFactory.GetGrain<IEndpointDirectoryGrain>(IEndpointDirectoryGrain.Key).RemoveAsync(EndpointId);
        return true;
    }

    public Task<EndpointStatus?> GetStatusAsync() => Task.FromResult(
        _config.State.Config is { } config ? EndpointStats.ToStatus(EndpointId, _stats.State, HealthContextOf(config)) : null);

    public Task<EndpointHealth?> GetHealthAsync() => Task.FromResult(
        _config.State.Config is { } config ? EndpointStats.ToHealth(EndpointId, _stats.State, HealthContextOf(config)) : null);

    private HealthContext HealthContextOf(EndpointConfig config) =>
        new(_time.GetUtcNow(), config.Health, _circuit.OpenUntil, _pending, _parked, _deadLettered);

    private void ApplyConfig(EndpointConfig? config)
    {
        if (config is null)
        {
            _redactor = null;
            return;
        }

        _redactor = new Redactor(config);
        _businessKeys = new BusinessKeyExtractor(config);
        _circuit.Policy = config.Retry.Circuit;
        _quickRetries = QuickRetryPipeline.Create(config.Retry, _circuit, _time);

        // Exchanges already running keep the semaphore they acquired and release that one.
        if (_slotCount != config.MaxConcurrency)
        {
            _slots = new SemaphoreSlim(config.MaxConcurrency);
            _slotCount = config.MaxConcurrency;
        }
    }

    private async Task FlushStatsAsync(CancellationToken cancellationToken)
    {
        if (_healthDirty)
        {
            PushHealthNow();
        }

        if (!_statsDirty || _config.State.Config is null)
        {
            return;
        }

        _statsDirty = false;
        try
        {
            await _stats.WriteStateAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _statsDirty = true;
            LogCountersWriteFailed(_logger, EndpointId, error);
        }
    }

    [LoggerMessage(EventId = HubEventIds.CountersWriteFailed, Level = LogLevel.Warning,
        Message = "Writing the counters of endpoint {EndpointId} failed; retrying at the next flush")]
    private static partial void LogCountersWriteFailed(ILogger logger, string endpointId, Exception error);
}
