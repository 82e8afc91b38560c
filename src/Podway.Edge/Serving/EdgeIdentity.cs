namespace Podway.Edge.Serving;

/// <summary>How the edge names itself to clients.</summary>
public static class EdgeIdentity
{
    /// <summary>
    /// The `Server` field of every response, as ingress-nginx sends it (nginx with `server_tokens off`, the controller's
    /// default); like nginx, the edge never passes an upstream's own `Server` field on.
    /// </summary>
    public const string ServerHeader = "nginx";
}
