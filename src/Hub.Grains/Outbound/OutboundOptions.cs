namespace CrmAI.Hub.Outbound;

/// <summary>
/// Which addresses outbound requests may reach, bound from the <c>Hub</c> configuration section.
/// </summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Hub";

    /// <summary>Configuration key that <see cref="AllowPrivateNetworks"/> is bound from.</summary>
    public const string AllowPrivateNetworksKey = "Hub:AllowPrivateNetworks";

    /// <summary>
    /// Whether endpoints may reach loopback, link-local, private and cloud metadata addresses.
    /// </summary>
    /// <value>False by default.</value>
    /// <remarks>
    /// Off, an API caller who can configure an endpoint cannot make the hub call services on its own host or
    /// network. Turn it on when the external systems live on the same private network as the hub. The local
    /// development mode (no <c>HUB_POSTGRES</c>) turns it on unless it is set.
    /// </remarks>
    public bool AllowPrivateNetworks { get; set; }
}
