using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>A fixed answer an Ingress's annotations give instead of forwarding: status and target.</summary>
internal sealed record AnnotatedRedirect(string Url, int Status);

/// <summary>
/// ingress-nginx's redirect annotations (internal/ingress/annotations/redirect and rewrite's app-root), with its
/// precedence and defaults: `temporal-redirect` (302, or `temporal-redirect-code` in 300-307) before
/// `permanent-redirect` (301, or `permanent-redirect-code` in 300-308), each answering every path of the Ingress with
/// the URL as written; `app-root` sends a request for `/` to that path with 302.
/// </summary>
internal static class RedirectAnnotations
{
    const string Prefix = UnsupportedAnnotations.Prefix;
    public const string Temporal = Prefix + "temporal-redirect";
    public const string TemporalCode = Prefix + "temporal-redirect-code";
    public const string Permanent = Prefix + "permanent-redirect";
    public const string PermanentCode = Prefix + "permanent-redirect-code";
    public const string AppRoot = Prefix + "app-root";

    public static readonly string[] Names = [Temporal, TemporalCode, Permanent, PermanentCode, AppRoot];

    public static AnnotatedRedirect? Of(JsonObject ingress)
    {
        if (Json.Annotation(ingress, Temporal) is { Length: > 0 } temporal)
            return new AnnotatedRedirect(temporal, Code(ingress, TemporalCode, 307, fallback: 302));
        if (Json.Annotation(ingress, Permanent) is { Length: > 0 } permanent)
            return new AnnotatedRedirect(permanent, Code(ingress, PermanentCode, 308, fallback: 301));
        return null;
    }

    /// <summary>The app-root path when it is one (ingress-nginx ignores a value that is not an absolute path).</summary>
    public static string? AppRootOf(JsonObject ingress) =>
        Json.Annotation(ingress, AppRoot) is { Length: > 1 } root && root.StartsWith('/') ? root : null;

    static int Code(JsonObject ingress, string annotation, int highest, int fallback) =>
        int.TryParse(Json.Annotation(ingress, annotation), out var code) && code >= 300 && code <= highest ? code : fallback;
}
