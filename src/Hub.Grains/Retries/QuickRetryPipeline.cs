using CrmAI.Hub.Contracts;
using CrmAI.Hub.Outbound;
using Polly;
using Polly.Retry;
using RetryPolicy = CrmAI.Hub.Contracts.RetryPolicy;

namespace CrmAI.Hub.Retries;

/// <summary>
/// Builds the Polly pipeline of an endpoint's quick retries: exponential backoff with jitter from
/// <see cref="RetryPolicy.ImmediateDelay"/>, honouring <c>Retry-After</c> up to
/// <see cref="RetryPolicy.MaxQuickRetryAfter"/>. A longer wait, an open circuit or a failure that is not
/// transient ends the quick retries and leaves the result to the durable schedule.
/// </summary>
public static class QuickRetryPipeline
{
    public static ResiliencePipeline<AttemptResult> Create(RetryPolicy policy, CircuitBreaker circuit, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = time };
        if (policy.Immediate <= 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions<AttemptResult>
        {
            MaxRetryAttempts = policy.Immediate,
            Delay = policy.ImmediateDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = arguments => ValueTask.FromResult(
                arguments.Outcome.Result is { } result && ShouldRetry(result, policy, circuit, time)),
            DelayGenerator = arguments => ValueTask.FromResult(
                arguments.Outcome.Result is { } result ? AttemptClassifier.RetryAfter(result, time.GetUtcNow()) : null),
        }).Build();
    }

    private static bool ShouldRetry(AttemptResult result, RetryPolicy policy, CircuitBreaker circuit, TimeProvider time)
    {
        if (AttemptClassifier.Classify(result, policy) != FailureClass.Transient || circuit.IsOpen)
        {
            return false;
        }

        var retryAfter = AttemptClassifier.RetryAfter(result, time.GetUtcNow());
        return retryAfter is null || retryAfter <= policy.MaxQuickRetryAfter;
    }
}
