using CrmAI.Hub.Silo.Hosting;

await using var hub = await HubHost.CreateAsync(args);
await hub.RunAsync();
