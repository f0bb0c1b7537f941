namespace CrmAI.Hub.Contracts;

/// <summary>
/// How an endpoint retries failed attempts: quick retries inside the call, then a durable schedule.
/// </summary>
[GenerateSerializer, Alias("hub.RetryPolicy")]
public sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    /// <summary>Quick retries right after a transient failure. Default 2.</summary>
    [Id(0)] public int Immediate { get; init; } = 2;

    /// <summary>First quick-retry delay; later ones grow exponentially, with jitter. Default 200 ms.</summary>
    [Id(1)] public TimeSpan ImmediateDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <value>Longest <c>Retry-After</c> honoured by a quick retry. Default 10 s.</value>
    /// <remarks>A longer <c>Retry-After</c> moves the exchange to the durable schedule, due at that time.</remarks>
    [Id(2)] public TimeSpan MaxQuickRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Delays of the durable retries, in order; the last one repeats. Default 1 min to 12 h.</summary>
    [Id(3)] public IReadOnlyList<TimeSpan> Schedule { get; init; } =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1),
        TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
    ];

    /// <summary>Attempts after which an exchange is dead-lettered, or null for no limit but the age. Default null.</summary>
    [Id(4)] public int? MaxAttempts { get; init; }

    /// <summary>Age after which an exchange that still fails is dead-lettered. Default 24 h.</summary>
    [Id(5)] public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>HTTP statuses retried as transient. Default 408, 429, 500, 502, 503, 504.</summary>
    [Id(6)] public IReadOnlyList<int> TransientStatusCodes { get; init; } = [408, 429, 500, 502, 503, 504];

    /// <summary>HTTP statuses never retried, even when listed as transient or auth. Default none.</summary>
    [Id(7)] public IReadOnlyList<int> PermanentStatusCodes { get; init; } = [];

    /// <summary>Pending and parked exchanges an endpoint keeps before it rejects new ones with 503. Default 10,000.</summary>
    [Id(8)] public int BacklogLimit { get; init; } = 10_000;

    /// <summary>How often a parked endpoint probes whether its credentials work again. Default 5 min.</summary>
    [Id(9)] public TimeSpan AuthProbeInterval { get; init; } = TimeSpan.FromMinutes(5);

    [Id(10)] public CircuitPolicy Circuit { get; init; } = new();
}

/// <summary>
/// When an endpoint stops calling a failing external system for a while.
/// </summary>
[GenerateSerializer, Alias("hub.CircuitPolicy")]
public sealed record CircuitPolicy
{
    /// <summary>Consecutive transient failures that open the circuit. Default 5.</summary>
    [Id(0)] public int ConsecutiveFailures { get; init; } = 5;

    /// <summary>Share of failed attempts within <see cref="Window"/> that opens the circuit. Default 0.5.</summary>
    [Id(1)] public double FailureRatio { get; init; } = 0.5;

    /// <summary>Attempts within <see cref="Window"/> before the ratio counts. Default 20.</summary>
    [Id(2)] public int MinimumThroughput { get; init; } = 20;

    /// <summary>Sampling window of the failure ratio. Default 1 min.</summary>
    [Id(3)] public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the circuit stays open before one probe. Default 30 s.</summary>
    [Id(4)] public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}
