namespace CrmAI.Hub.Endpoints;

/// <summary>
/// Signatures of accepted timestamped inbound requests, kept until a day after their timestamps (the largest
/// tolerance), so that a replayed request is rejected on every silo and after restarts.
/// </summary>
public interface IInboundSignatureStore
{
    /// <summary>Finds an accepted signature of the endpoint that is still kept at <paramref name="now"/>.</summary>
    Task<AcceptedSignature?> FindAsync(string endpointId, byte[] signature, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records an accepted signature until <see cref="AcceptedSignature.ExpiresAt"/>. An expired record of the same
    /// signature is replaced. A live one is kept.
    /// </summary>
    Task AddAsync(string endpointId, byte[] signature, AcceptedSignature accepted, CancellationToken cancellationToken);
}

/// <summary>
/// The inbound request that a signature was first accepted with, and the time until which the signature is kept.
/// </summary>
public sealed record AcceptedSignature(Guid JournalEntryId, DateTimeOffset AcceptedAt, DateTimeOffset ExpiresAt);
