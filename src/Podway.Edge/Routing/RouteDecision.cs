namespace Podway.Edge.Routing;

/// <summary>The routing verdict for one request.</summary>
public abstract record RouteDecision
{
    /// <summary>No rule and no default backend matches: 404.</summary>
    public sealed record NotFound : RouteDecision;

    /// <summary>A plain-HTTP request for a TLS host: redirect (308) to <paramref name="Location"/>.</summary>
    public sealed record Redirect(string Location) : RouteDecision;

    /// <summary>A route matched; forward to <paramref name="Backend"/>. When it has no usable endpoint, answer 503.</summary>
    public sealed record Forward(IngressRef Ingress, BackendPool Backend) : RouteDecision;
}

/// <summary>Namespace and name of an Ingress.</summary>
public readonly record struct IngressRef(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>Something wrong with an Ingress that its owner should see as a Warning Event.</summary>
public sealed record IngressProblem(IngressRef Ingress, string Reason, string Message);
