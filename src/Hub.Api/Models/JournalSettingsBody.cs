using System.Text.Json.Serialization;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// The <c>journalRetention</c> member of an endpoint body: days per tier, each overriding the global default.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JournalRetentionBody(int? HotDays = null, int? WarmDays = null, int? ColdDays = null)
{
    /// <summary>Largest number of days accepted for a tier (about 27 years).</summary>
    public const int MaxDays = 10_000;

    internal JournalRetentionPolicy ToPolicy(Validation errors)
    {
        CheckDays("journalRetention.hotDays", HotDays, errors);
        CheckDays("journalRetention.warmDays", WarmDays, errors);
        CheckDays("journalRetention.coldDays", ColdDays, errors);
        if (HotDays is { } hot && WarmDays is { } warm && warm < hot)
        {
            errors.Add("journalRetention.warmDays", $"Must be at least hotDays ({hot}).");
        }

        if (WarmDays is { } kept && ColdDays is { } cold && cold < kept)
        {
            errors.Add("journalRetention.coldDays", $"Must be at least warmDays ({kept}).");
        }

        return new JournalRetentionPolicy { HotDays = HotDays, WarmDays = WarmDays, ColdDays = ColdDays };
    }

    public static JournalRetentionBody? From(JournalRetentionPolicy? policy) =>
        policy is null ? null : new(policy.HotDays, policy.WarmDays, policy.ColdDays);

    private static void CheckDays(string field, int? days, Validation errors)
    {
        if (days is < 1 or > MaxDays)
        {
            errors.Add(field, $"Must be a whole number of days from 1 to {MaxDays}.");
        }
    }
}

/// <summary>
/// Validation of the <c>businessKeys</c> member of an endpoint body.
/// </summary>
internal static class BusinessKeysBody
{
    public const int MaxPaths = 16;

    public static List<string> Check(List<string>? paths, IReadOnlyList<string> redactJsonFields, Validation errors)
    {
        if (paths is null)
        {
            return [];
        }

        if (paths.Count > MaxPaths)
        {
            errors.Add("businessKeys", $"At most {MaxPaths} JSON paths are allowed; {paths.Count} were given.");
        }

        var redacted = new HashSet<string>(redactJsonFields, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < paths.Count; i++)
        {
            var field = $"businessKeys[{i}]";
            if (!BusinessKeyPath.TryParse(paths[i] ?? "", out var path, out var error))
            {
                errors.Add(field, error);
            }
            else if (path.MemberNames.FirstOrDefault(redacted.Contains) is { } secret)
            {
                errors.Add(field, $"'{paths[i]}' passes through the redacted JSON field '{secret}', so it cannot be a key.");
            }
        }

        return paths;
    }
}
