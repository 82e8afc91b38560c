using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>
/// ingress-nginx annotations the edge does not act on, as problems on their Ingress (a Warning event each, when it
/// appears): a user moving from ingress-nginx learns that `rewrite-target` does nothing here instead of finding out
/// from traffic. Snippets are nginx configuration, which the edge never runs, and say so.
/// </summary>
internal static class UnsupportedAnnotations
{
    public const string Prefix = "nginx.ingress.kubernetes.io/";
    public const string Reason = "UnsupportedAnnotation";

    /// <summary>The annotations the edge implements (their behaviour: src/Podway.Edge/README.md).</summary>
    static readonly HashSet<string> Implemented =
        [
            EdgeConfigBuilder.SslRedirectAnnotation, EdgeConfigBuilder.ForceSslRedirectAnnotation, .. RedirectAnnotations.Names,
            .. Annotations.IngressBehaviour.Names.Select(n => Prefix + n),
        ];

    /// <summary>On a canary Ingress, the implemented annotations that are not canary ones: ingress-nginx takes those
    /// from the main Ingress, and so does the edge.</summary>
    public static IEnumerable<IngressProblem> IgnoredOnCanary(JsonObject ingress, IngressRef reference)
    {
        if (ingress["metadata"]?["annotations"] is not JsonObject annotations) yield break;
        foreach (var (name, _) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            if (Implemented.Contains(name) && !Annotations.CanaryAnnotations.Names.Any(n => name == Prefix + n))
                yield return new IngressProblem(reference, Reason,
                    $"annotation {name} is ignored on a canary Ingress: the main Ingress's settings apply (as with ingress-nginx)");
    }

    /// <summary>proxy-send-timeout bounds writes to HTTP/1.1 upstreams only: with another backend-protocol it does nothing.</summary>
    public static IEnumerable<IngressProblem> IgnoredForBackendProtocol(JsonObject ingress, IngressRef reference)
    {
        const string send = Prefix + "proxy-send-timeout";
        var protocol = Json.Annotation(ingress, Prefix + Annotations.BackendProtocolAnnotation.Name);
        if (Json.Annotation(ingress, send) is not null && protocol is not null && !protocol.Equals("HTTP", StringComparison.OrdinalIgnoreCase))
            yield return new IngressProblem(reference, Reason,
                $"annotation {send} has no effect with backend-protocol {protocol}: podway's edge applies it to HTTP/1.1 upstreams only");
    }

    public static IEnumerable<IngressProblem> Of(JsonObject ingress, IngressRef reference)
    {
        if (ingress["metadata"]?["annotations"] is not JsonObject annotations) yield break;
        foreach (var (name, _) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || Implemented.Contains(name)) continue;
            yield return new IngressProblem(reference, Reason, name.EndsWith("-snippet", StringComparison.Ordinal)
                ? $"annotation {name} is nginx configuration syntax, which podway's edge does not run (it is not nginx): refused and ignored"
                : $"annotation {name} is not implemented by podway's edge: it has no effect");
        }
    }
}
