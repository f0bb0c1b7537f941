using System.Net;
using System.Net.Sockets;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// Resolves the names of the guard tests inside the test process: each name maps to one fixed address, and
/// every other name fails as an unknown host.
/// </summary>
public sealed class GuardHostResolver : IHostResolver
{
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["loopback.test"] = "127.0.0.1",
        ["loopback6.test"] = "::1",
        ["unspecified.test"] = "0.0.0.0",
        ["metadata.test"] = "169.254.169.254",
        ["metadata6.test"] = "fd00:ec2::254",
        ["ten.test"] = "10.0.0.1",
        ["home.test"] = "192.168.1.1",
        ["mapped.test"] = "::ffff:127.0.0.1",
        ["unique-local.test"] = "fc00::5",
        ["public.test"] = "203.0.113.10",
        ["stand-in.test"] = "198.51.100.7",
    };

    public ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Names.TryGetValue(host, out var address)
            ? ValueTask.FromResult(new[] { IPAddress.Parse(address) })
            : ValueTask.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}
