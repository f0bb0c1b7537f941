namespace CrmAI.Hub.Demo.Control;

/// <summary>How a demo system responds on its business routes.</summary>
internal enum FailureMode
{
    /// <summary>Responds normally.</summary>
    Ok,

    /// <summary>Responds 500 Internal Server Error with a problem body.</summary>
    Error500,

    /// <summary>Responds 401 Unauthorized whatever credentials the request carries.</summary>
    Unauthorized,

    /// <summary>Waits, then responds normally.</summary>
    Slow,

    /// <summary>Sends the status line, headers and part of the body, then aborts the connection.</summary>
    Drop,
}
