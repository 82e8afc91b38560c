namespace Podway.Edge.Forwarding;

/// <summary>`upstream-vhost`: the Host header the upstream gets instead of the client's (X-Forwarded-Host keeps the
/// client's, as ingress-nginx's $best_http_host). A request feature, so requests without it allocate nothing.</summary>
internal sealed record UpstreamHostFeature(string Host);
