namespace CrmAI.Hub.Tests.Storage;

/// <summary>The probe grain's state value with its ETag and whether a stored record exists.</summary>
[GenerateSerializer]
[Alias("hub-tests.ProbeSnapshot")]
public sealed record ProbeSnapshot(string Value, string? ETag, bool RecordExists);
