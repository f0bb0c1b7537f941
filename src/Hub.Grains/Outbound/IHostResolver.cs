using System.Net;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Resolves host names of external systems for outbound connections.
/// </summary>
public interface IHostResolver
{
    /// <summary>Returns the addresses of a host, or throws a <see cref="System.Net.Sockets.SocketException"/>.</summary>
    ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>
/// Resolves names through the operating system's resolver.
/// </summary>
public sealed class SystemHostResolver : IHostResolver
{
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(host, cancellationToken);
}
