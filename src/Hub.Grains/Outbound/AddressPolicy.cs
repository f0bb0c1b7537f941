using System.Net;
using System.Net.Sockets;

namespace CrmAI.Hub.Outbound;

/// <summary>
/// Sorts the addresses outbound requests must not reach unless <see cref="OutboundOptions.AllowPrivateNetworks"/>
/// is on: loopback, link-local (cloud metadata included), private, unique-local, unspecified, benchmarking,
/// broadcast and multicast, also in their IPv4-mapped IPv6 forms and inside the IPv6 forms that carry an IPv4
/// address (IPv4-compatible, NAT64 <c>64:ff9b::/96</c> and 6to4 <c>2002::/16</c>).
/// </summary>
public static class AddressPolicy
{
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");
    private static readonly IPAddress MetadataV4 = IPAddress.Parse("169.254.169.254");

    /// <summary>Returns what kind of non-public address this is, such as "loopback", or null for a public one.</summary>
    public static string? Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassifyV4(address);
        }

        // A gateway or the host's own stack may deliver these to the IPv4 address they carry.
        return EmbeddedV4(address) is { } embedded && ClassifyV4(embedded) is { } kind
            ? $"{kind} (inside {address})"
            : ClassifyV6(address);
    }

    /// <summary>True for <c>localhost</c> and names under <c>.localhost</c>, which resolve to loopback by RFC 6761.</summary>
    public static bool IsLoopbackName(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.TrimEnd('.');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Returns why a base URL is not allowed when its host is a loopback name or a literal non-public IP address,
    /// or null. Other names are checked when they are resolved, at connect time.
    /// </summary>
    public static string? CheckUrlHost(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (IsLoopbackName(url.IdnHost))
        {
            return $"'{url.Host}' is a loopback address";
        }

        return IPAddress.TryParse(url.IdnHost, out var literal) && Classify(literal) is { } kind
            ? $"{literal} is a {kind} address"
            : null;
    }

    private static string? ClassifyV4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return b switch
        {
            [0, 0, 0, 0] => "unspecified",
            [0, ..] => "unspecified",
            [127, ..] => "loopback",
            [10, ..] => "private",
            [172, >= 16 and <= 31, ..] => "private",
            [192, 168, ..] => "private",
            [100, >= 64 and <= 127, ..] => "private",
            [198, 18 or 19, ..] => "benchmarking",
            [169, 254, 169, 254] => "cloud metadata",
            [169, 254, ..] => "link-local",
            [255, 255, 255, 255] => "broadcast",
            [>= 224, ..] => "multicast or reserved",
            _ => null,
        };
    }

    // The IPv4 address inside an IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4 (2002:aabb:ccdd::)
    // address, else null.
    private static IPAddress? EmbeddedV4(IPAddress address)
    {
        var b = address.GetAddressBytes();
        var compatible = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any)
            && !address.Equals(IPAddress.IPv6Loopback);
        var nat64 = b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..];
        if (compatible || nat64)
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        return b is [0x20, 0x02, ..] ? new IPAddress(b.AsSpan(2, 4)) : null;
    }

    private static string? ClassifyV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.Equals(AwsMetadataV6))
        {
            return "cloud metadata";
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return "unspecified";
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return "loopback";
        }

        return b switch
        {
            [0xfe, >= 0x80 and <= 0xbf, ..] => "link-local",
            [>= 0xfc and <= 0xfd, ..] => "private",
            [0xff, ..] => "multicast",
            _ => null,
        };
    }
}
