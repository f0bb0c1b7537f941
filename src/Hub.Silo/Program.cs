using CrmAI.Hub.Silo.Hosting;

try
{
    await using var hub = await HubHost.CreateAsync(args);
    await hub.RunAsync();
    return 0;
}
catch (HubStartException error)
{
    // A start-up problem the user can fix: one clear line, not a stack trace.
    await Console.Error.WriteLineAsync($"The hub did not start: {error.Message}");
    return 1;
}
