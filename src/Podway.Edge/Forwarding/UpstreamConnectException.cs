namespace Podway.Edge.Forwarding;

/// <summary>The TCP connect to an upstream failed (refused, unreachable, timed out): no request byte was sent, so the
/// request may go to another endpoint whatever its method.</summary>
internal sealed class UpstreamConnectException(string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>Whether <paramref name="error"/> (as SocketsHttpHandler wraps it) is a failed connect.</summary>
    public static bool IsConnectFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is UpstreamConnectException) return true;
        return false;
    }
}
