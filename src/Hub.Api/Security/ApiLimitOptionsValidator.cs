using Microsoft.Extensions.Options;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Checks that every <see cref="ApiLimitOptions"/> value is positive, naming each invalid key.
/// </summary>
public sealed class ApiLimitOptionsValidator : IValidateOptions<ApiLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Positive(errors, nameof(options.BurstRequests), options.BurstRequests);
        Positive(errors, nameof(options.RequestsPerPeriod), options.RequestsPerPeriod);
        Positive(errors, nameof(options.ConcurrentRequests), options.ConcurrentRequests);
        Positive(errors, nameof(options.MaxHeaderCount), options.MaxHeaderCount);
        Positive(errors, nameof(options.MaxHeaderBytes), options.MaxHeaderBytes);
        Positive(errors, nameof(options.MaxUrlLength), options.MaxUrlLength);
        Positive(errors, nameof(options.MaxBodyBytes), options.MaxBodyBytes);
        Positive(errors, nameof(options.MaxQueryLength), options.MaxQueryLength);
        Positive(errors, nameof(options.MaxQueryParameters), options.MaxQueryParameters);
        Positive(errors, nameof(options.InboundFailuresPerMinute), options.InboundFailuresPerMinute);
        if (options.RefillPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{ApiLimitOptions.SectionName}:{nameof(options.RefillPeriod)} must be a positive duration such as 00:00:01.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string key, int value)
    {
        if (value < 1)
        {
            errors.Add($"{ApiLimitOptions.SectionName}:{key} is {value}; it must be at least 1.");
        }
    }
}
