using CrmAI.Hub.Demo;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

var options = DemoOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine("Run with --help to list the options.");
    return 2;
}

await using var store = DemoHost.BuildStore(options);
await using var crm = DemoHost.BuildCrm(options);

return await DemoHost.RunAsync(store, crm);
