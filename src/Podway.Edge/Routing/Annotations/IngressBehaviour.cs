namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// What an Ingress's ingress-nginx annotations ask of the data plane, parsed once per Ingress per snapshot (one
/// family per file beside this one) and carried by every <see cref="RouteDecision.Forward"/> of that Ingress.
/// </summary>
internal sealed record IngressBehaviour
{
    /// <summary>No annotation at all and no limits: what routes built by hand (tests) carry.</summary>
    public static readonly IngressBehaviour None = new() { Limits = null };

    public BackendProtocol Protocol { get; init; } = BackendProtocol.Http;
    /// <summary>Body size and timeouts; null leaves the edge's own settings.</summary>
    public ProxyLimits? Limits { get; init; }
    public SourceRanges? AllowedSources { get; init; }
    public CorsPolicy? Cors { get; init; }
    /// <summary>`auth-type: basic`: who may pass, and the realm of the 401.</summary>
    public BasicAuth? Auth { get; init; }
    /// <summary>`limit-rps` / `limit-rpm` / `limit-connections`.</summary>
    public RateLimits? RateLimits { get; init; }
    /// <summary>`affinity: cookie`, its cookie Path still to be set per path.</summary>
    public SessionAffinity? Affinity { get; init; }
    /// <summary>`upstream-vhost`: the Host header sent upstream.</summary>
    public string? UpstreamVhost { get; init; }

    /// <summary>Every annotation family the edge implements, read from one Ingress (ingress-nginx's defaults where absent).</summary>
    public static IngressBehaviour Of(AnnotationReader annotations, Func<string, string, System.Text.Json.Nodes.JsonObject?>? secret = null) => new()
    {
        Affinity = AffinityAnnotations.Of(annotations),
        RateLimits = RateLimitAnnotations.Of(annotations),
        Auth = BasicAuthAnnotations.Of(annotations, annotations.Ingress.Namespace, secret ?? ((_, _) => null)),
        Protocol = BackendProtocolAnnotation.Of(annotations),
        Limits = ProxyAnnotations.Of(annotations),
        AllowedSources = SourceRangeAnnotation.Of(annotations),
        Cors = CorsAnnotations.Of(annotations),
        UpstreamVhost = annotations.Get("upstream-vhost"),
    };

    /// <summary>Annotation names (without prefix) read by the families above.</summary>
    public static readonly string[] Names =
    [
        BackendProtocolAnnotation.Name, .. ProxyAnnotations.Names, .. SourceRangeAnnotation.Names, .. CorsAnnotations.Names,
        "upstream-vhost", .. RewriteAnnotations.Names, .. BasicAuthAnnotations.Names,
        .. CanaryAnnotations.Names, .. AffinityAnnotations.Names, .. RateLimitAnnotations.Names,
    ];
}
