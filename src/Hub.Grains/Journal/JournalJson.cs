using System.Text.Json;

namespace CrmAI.Hub.Journal;

/// <summary>
/// JSON settings of the journal's structured columns, in the camel case that the API shows.
/// </summary>
internal static class JournalJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
