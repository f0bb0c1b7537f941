namespace CrmAI.Hub.Journal;

/// <summary>
/// Global defaults of the journal retention tiers (<c>Journal:Retention</c>); endpoints may override the days.
/// </summary>
/// <remarks>
/// An entry is hot with its bodies for <see cref="HotDays"/>, then warm with only body sizes and SHA-256 until
/// <see cref="WarmDays"/>, then counted in the <c>journal_daily</c> aggregates and deleted. Aggregates are kept
/// until <see cref="ColdDays"/>. Entries of exchanges that are still pending, parked, dead-lettered or failed
/// are never changed.
/// </remarks>
public sealed class JournalRetentionOptions
{
    public const string SectionName = "Journal:Retention";

    /// <value>Days that entries keep their bodies. Default 14.</value>
    public int HotDays { get; set; } = 14;

    /// <value>Days that entries are kept at all. Default 90.</value>
    public int WarmDays { get; set; } = 90;

    /// <value>Days that daily aggregates are kept. Default 730.</value>
    public int ColdDays { get; set; } = 730;

    /// <value>Rows changed per statement, which bounds each transaction. Default 5,000.</value>
    public int BatchSize { get; set; } = 5_000;

    /// <value>Time between scheduled runs, one per cluster. Default 1 hour.</value>
    public TimeSpan RunPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Returns a message per invalid setting, naming the configuration key.</summary>
    public IEnumerable<string> Validate()
    {
        if (HotDays < 1)
        {
            yield return $"{SectionName}:HotDays must be at least 1; it is {HotDays}.";
        }

        if (WarmDays < HotDays)
        {
            yield return $"{SectionName}:WarmDays ({WarmDays}) must be at least HotDays ({HotDays}).";
        }

        if (ColdDays < WarmDays)
        {
            yield return $"{SectionName}:ColdDays ({ColdDays}) must be at least WarmDays ({WarmDays}).";
        }

        if (BatchSize < 1)
        {
            yield return $"{SectionName}:BatchSize must be at least 1; it is {BatchSize}.";
        }

        if (RunPeriod < TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}:RunPeriod must be at least 1 minute; it is {RunPeriod}.";
        }
    }
}
