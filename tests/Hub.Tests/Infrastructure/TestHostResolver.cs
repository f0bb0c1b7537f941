using System.Net;
using System.Net.Sockets;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// Resolves names inside the test process, so no test sends a DNS query: names ending in <c>.test</c> resolve to
/// 127.0.0.1, every other name fails as an unknown host.
/// </summary>
public sealed class TestHostResolver : IHostResolver
{
    public ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        host.EndsWith(".test", StringComparison.OrdinalIgnoreCase)
            ? ValueTask.FromResult(new[] { IPAddress.Loopback })
            : ValueTask.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}
