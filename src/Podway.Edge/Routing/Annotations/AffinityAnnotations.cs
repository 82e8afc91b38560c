namespace Podway.Edge.Routing.Annotations;

/// <summary>Cookie session affinity for one Ingress path: which cookie pins a client to an endpoint, and its attributes.</summary>
/// <param name="Path">Cookie Path: `session-cookie-path`, else the Ingress path as written (ingress-nginx's location path).</param>
/// <param name="MaxAge">`session-cookie-max-age` in seconds (Max-Age).</param>
/// <param name="Expires">`session-cookie-expires` in seconds from now (Expires).</param>
/// <param name="SameSite">`session-cookie-samesite`: None, Lax or Strict.</param>
/// <param name="ChangeOnFailure">`session-cookie-change-on-failure`: a failed pinned endpoint makes way for another (and
/// a new cookie); otherwise the request stays with it, as ingress-nginx's default.</param>
internal sealed record SessionAffinity(string CookieName, string Path, int? MaxAge, int? Expires, string? SameSite, bool ChangeOnFailure, bool Secure);

/// <summary>ingress-nginx's `affinity: cookie` with `session-cookie-name` (default INGRESSCOOKIE), `-path`, `-max-age`,
/// `-expires`, `-samesite`, `-secure`, `-change-on-failure` and `affinity-mode` (balanced or persistent: the edge
/// never moves a working pin, which is persistent; balanced differs only when endpoints are added).</summary>
internal static class AffinityAnnotations
{
    public static readonly string[] Names =
    [
        "affinity", "affinity-mode", "session-cookie-name", "session-cookie-path", "session-cookie-max-age", "session-cookie-expires",
        "session-cookie-samesite", "session-cookie-secure", "session-cookie-change-on-failure",
    ];

    /// <summary>The affinity of the Ingress, with the path left to <see cref="SessionAffinity"/>'s per-path copy.</summary>
    public static SessionAffinity? Of(AnnotationReader annotations)
    {
        var affinity = annotations.Get("affinity");
        if (affinity is null) return null;
        if (affinity != "cookie")
        {
            annotations.Invalid("affinity", affinity, "is not an affinity type (cookie)");
            return null;
        }
        if (annotations.Get("affinity-mode") is { } mode && mode is not ("balanced" or "persistent"))
            annotations.Invalid("affinity-mode", mode, "is neither balanced nor persistent");
        var sameSite = annotations.Get("session-cookie-samesite");
        if (sameSite is not null && sameSite is not ("None" or "Lax" or "Strict"))
        {
            annotations.Invalid("session-cookie-samesite", sameSite, "is not None, Lax or Strict");
            sameSite = null;
        }
        var name = annotations.Get("session-cookie-name") ?? "INGRESSCOOKIE";
        if (!IsToken(name))
        {
            annotations.Invalid("session-cookie-name", name, "is not a cookie name");
            name = "INGRESSCOOKIE";
        }
        return new SessionAffinity(name, annotations.Get("session-cookie-path") ?? "",
            annotations.Int("session-cookie-max-age"), annotations.Int("session-cookie-expires"), sameSite,
            annotations.Bool("session-cookie-change-on-failure") ?? false, annotations.Bool("session-cookie-secure") ?? false);
    }

    /// <summary>The affinity for one path: the cookie Path is that path unless session-cookie-path says otherwise.</summary>
    public static SessionAffinity? ForPath(SessionAffinity? affinity, string rawPath) =>
        affinity is null || affinity.Path.Length > 0 ? affinity : affinity with { Path = rawPath };

    static bool IsToken(string name) => name.All(c => c > 32 && c < 127 && !"()<>@,;:\\\"/[]?={}".Contains(c));
}
