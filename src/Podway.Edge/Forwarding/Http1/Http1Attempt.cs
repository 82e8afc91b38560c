namespace Podway.Edge.Forwarding.Http1;

/// <summary>How one try on one endpoint ended, for the forwarder's retry and error-status decisions.</summary>
internal enum Http1AttemptKind : byte
{
    /// <summary>The response went to the client (whole, or cut off mid-body after the upstream broke).</summary>
    Forwarded,
    /// <summary>The client went away; nothing more to answer.</summary>
    ClientGone,
    /// <summary>No connection could be made: nothing was sent, any request may move on.</summary>
    ConnectFailed,
    /// <summary>The connection failed or closed before any response byte.</summary>
    FailedBeforeResponse,
    /// <summary>No complete response head within the timeout (504).</summary>
    TimedOut,
    /// <summary>A malformed or truncated response head (502).</summary>
    BadResponse,
    /// <summary>The client's body was malformed (a bad chunk size or framing, a short body): 400, as nginx answers.</summary>
    BadRequestBody,
    /// <summary>The client's chunked body outgrew the route's proxy-body-size: 413, as nginx answers.</summary>
    BodyTooLarge,
}

/// <param name="BodyStarted">Some of the client's request body was read and sent: the request cannot be sent again.</param>
internal readonly record struct Http1Attempt(Http1AttemptKind Kind, long BodyBytes = 0, bool BodyStarted = false);
