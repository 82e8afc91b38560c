namespace Podway.Edge.Routing.Annotations;

/// <summary>An Ingress's per-client limits (each edge replica counts on its own, as each ingress-nginx Pod does).</summary>
/// <param name="RequestsPerSecond">`limit-rps` (or `limit-rpm` / 60 when only it is set): nginx limit_req's rate.</param>
/// <param name="Burst">Requests over the rate allowed at once: rate × `limit-burst-multiplier` (default 5), nodelay.</param>
/// <param name="Connections">`limit-connections`: requests in flight per client address.</param>
/// <param name="Exempt">`limit-whitelist` (`limit-allowlist`): clients never limited.</param>
internal sealed record RateLimits(double? RequestsPerSecond, double Burst, int? Connections, SourceRanges? Exempt)
{
    /// <summary>The state behind these limits: one per distinct setting of one Ingress, kept across snapshots.</summary>
    public ClientLimiter Limiter { get; init; } = null!;
}

/// <summary>ingress-nginx's `limit-rps`, `limit-rpm`, `limit-connections`, `limit-burst-multiplier` and
/// `limit-whitelist`; over the limit a request gets 503 (ingress-nginx's limit-req-status-code and
/// limit-conn-status-code defaults).</summary>
internal static class RateLimitAnnotations
{
    public static readonly string[] Names = ["limit-rps", "limit-rpm", "limit-connections", "limit-burst-multiplier", "limit-whitelist", "limit-allowlist"];

    public static RateLimits? Of(AnnotationReader annotations)
    {
        var rps = annotations.Int("limit-rps");
        var rpm = annotations.Int("limit-rpm");
        var connections = annotations.Int("limit-connections");
        if (rps is null or 0 && rpm is null or 0 && connections is null or 0) return null;
        var multiplier = annotations.Int("limit-burst-multiplier") ?? 5;
        double? rate = rps is > 0 ? rps : rpm is > 0 ? rpm / 60.0 : null;
        // nginx's burst for limit-rpm is rpm × multiplier requests (per minute's worth), as ingress-nginx writes it.
        var burst = rps is > 0 ? rps.Value * multiplier : rpm is > 0 ? rpm.Value * multiplier : 0;
        var exemptName = annotations.Get("limit-allowlist") is not null ? "limit-allowlist" : "limit-whitelist";
        SourceRanges? exempt = null;
        if (annotations.Get(exemptName) is { } list)
        {
            var networks = new List<System.Net.IPNetwork>();
            foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (SourceRangeAnnotation.Cidr(entry) is { } network) networks.Add(network);
                else annotations.Invalid(exemptName, list, $"has \"{entry}\", which is not a CIDR");
            if (networks.Count > 0) exempt = new SourceRanges(networks);
        }
        var limits = new RateLimits(rate, burst, connections is > 0 ? connections : null, exempt);
        return limits with { Limiter = ClientLimiter.For(annotations.Ingress, limits) };
    }
}
