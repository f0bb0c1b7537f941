namespace CrmAI.Hub.Contracts;

/// <summary>
/// How one attempt ended.
/// </summary>
public enum Outcome
{
    /// <summary>A 2xx response, or inbound data accepted.</summary>
    Success,

    /// <summary>A response with a status other than 2xx.</summary>
    HttpError,

    /// <summary>No complete response within the endpoint's timeout.</summary>
    Timeout,

    /// <summary>The connection failed: refused, reset, dropped mid-response or an unresolvable host.</summary>
    NetworkError,

    /// <summary>The request could not be sent at all, for example because the URL was invalid.</summary>
    InvalidRequest,

    /// <summary>Inbound data the hub refused, such as a body declared as JSON that does not parse.</summary>
    Rejected,
}
