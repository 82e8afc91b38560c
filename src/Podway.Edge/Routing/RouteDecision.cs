namespace Podway.Edge.Routing;

/// <summary>The routing verdict for one request.</summary>
public abstract record RouteDecision
{
    /// <summary>No rule and no default backend matches: 404.</summary>
    public sealed record NotFound : RouteDecision;

    /// <summary>
    /// Redirect to <paramref name="Location"/>: a plain-HTTP request for a TLS host (308, the query kept), or an
    /// Ingress's redirect annotations (their status, the URL as written).
    /// </summary>
    public sealed record Redirect(string Location, int Status = 308, bool KeepQuery = true) : RouteDecision;

    /// <summary>A route matched; forward to <paramref name="Backend"/>. When it has no usable endpoint, answer 503.</summary>
    public sealed record Forward(IngressRef Ingress, BackendPool Backend) : RouteDecision
    {
        /// <summary>The Ingress's annotations as the data plane applies them (protocol, limits, CORS, ...).</summary>
        internal Annotations.IngressBehaviour Behaviour { get; init; } = Annotations.IngressBehaviour.None;
        /// <summary>`rewrite-target` for the matched path, when it has one.</summary>
        internal Annotations.PathRewrite? Rewrite { get; init; }
        /// <summary>A canary Ingress for the same host and path: some requests go to its backend instead.</summary>
        internal Annotations.CanaryRule? Canary { get; init; }
        /// <summary>`affinity: cookie` for this path.</summary>
        internal Annotations.SessionAffinity? Affinity { get; init; }
    }
}

/// <summary>Namespace and name of an Ingress.</summary>
public readonly record struct IngressRef(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>Something wrong with an Ingress that its owner should see as a Warning Event.</summary>
public sealed record IngressProblem(IngressRef Ingress, string Reason, string Message);
