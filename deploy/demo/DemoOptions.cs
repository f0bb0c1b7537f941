using System.Globalization;

namespace CrmAI.Hub.Demo;

/// <summary>Command-line settings of the demo program.</summary>
/// <param name="StorePort">TCP port of the online store on 127.0.0.1.</param>
/// <param name="CrmPort">TCP port of the CRM on 127.0.0.1.</param>
/// <param name="CrmToken">Bearer token that the CRM accepts.</param>
internal sealed record DemoOptions(int StorePort, int CrmPort, string CrmToken)
{
    public const int DefaultStorePort = 5081;
    public const int DefaultCrmPort = 5082;
    public const string DefaultCrmToken = "demo-crm-token";

    public const string Usage = """
        Usage: dotnet run --project deploy/demo [-- OPTIONS]

        Plays an online store and a CRM on 127.0.0.1 for trying the hub.

        Options:
          --store-port PORT   TCP port of the online store (default 5081)
          --crm-port PORT     TCP port of the CRM (default 5082)
          --crm-token TOKEN   bearer token that the CRM accepts (default demo-crm-token)
          --help              print this text and exit
        """;

    /// <summary>
    /// Parses <c>--name value</c> and <c>--name=value</c> options.
    /// Returns null and sets <paramref name="error"/> when an option is unknown, missing its value or invalid.
    /// </summary>
    public static DemoOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new DemoOptions(DefaultStorePort, DefaultCrmPort, DefaultCrmToken);

        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = SplitOption(args, ref i);
            int port;
            switch (name)
            {
                case "--store-port":
                    error = ParsePort(name, value, out port);
                    options = options with { StorePort = port };
                    break;
                case "--crm-port":
                    error = ParsePort(name, value, out port);
                    options = options with { CrmPort = port };
                    break;
                case "--crm-token":
                    error = string.IsNullOrWhiteSpace(value) ? "Option --crm-token requires a non-empty value." : null;
                    options = options with { CrmToken = value ?? string.Empty };
                    break;
                default:
                    error = $"Unknown option '{name}'.";
                    break;
            }

            if (error is not null)
            {
                return null;
            }
        }

        error = options.StorePort == options.CrmPort
            ? $"--store-port and --crm-port are both {options.StorePort}. Give the two systems different ports."
            : null;

        return error is null ? options : null;
    }

    private static (string Name, string? Value) SplitOption(IReadOnlyList<string> args, ref int index)
    {
        var arg = args[index];
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            return (arg[..equals], arg[(equals + 1)..]);
        }

        var hasValue = index + 1 < args.Count && !args[index + 1].StartsWith("--", StringComparison.Ordinal);
        var value = hasValue ? args[++index] : null;

        return (arg, value);
    }

    private static string? ParsePort(string name, string? value, out int port)
    {
        var valid = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;

        return valid ? null : $"Option {name} requires a TCP port from 1 to 65535, got '{value}'.";
    }
}
