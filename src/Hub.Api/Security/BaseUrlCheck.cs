using CrmAI.Hub.Api.Models;
using CrmAI.Hub.Outbound;

namespace CrmAI.Hub.Api.Security;

/// <summary>
/// Rejects an endpoint's base URL whose host is a loopback name or a literal non-public IP address, unless
/// <see cref="OutboundOptions.AllowPrivateNetworks"/> is on. Names are checked again at connect time.
/// </summary>
internal static class BaseUrlCheck
{
    public static void Apply(Uri? baseUrl, OutboundOptions options, Validation errors)
    {
        if (baseUrl is null || options.AllowPrivateNetworks || AddressPolicy.CheckUrlHost(baseUrl) is not { } reason)
        {
            return;
        }

        errors.Add("baseUrl",
            $"{reason}, which endpoints may not reach. Use a public address, or set " +
            $"{OutboundOptions.AllowPrivateNetworksKey} to true when the external system is on a private network.");
    }
}
