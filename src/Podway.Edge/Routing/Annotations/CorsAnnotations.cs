using System.Text.RegularExpressions;

namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// An Ingress's CORS answer (ingress-nginx's CORS template): when the request's Origin is allowed (always, with the
/// origin `*`), responses carry the Access-Control-* headers, and an OPTIONS request is answered by the edge itself
/// with 204 and those headers instead of reaching the backend.
/// </summary>
internal sealed class CorsPolicy(string[] origins, string methods, string headers, bool credentials, int maxAge, string? exposeHeaders)
{
    readonly Regex[] _originPatterns = [.. origins.Where(o => o != "*").Select(OriginPattern)];

    public bool AnyOrigin { get; } = origins.Contains("*");
    public string Methods => methods;
    public string Headers => headers;
    public bool Credentials => credentials;
    public int MaxAge => maxAge;
    public string? ExposeHeaders => exposeHeaders;

    /// <summary>The Access-Control-Allow-Origin value for this request's Origin: `*` for any origin, the Origin itself
    /// when listed, null when the request gets no CORS headers.</summary>
    public string? AllowedOrigin(string? origin)
    {
        if (AnyOrigin) return "*";
        if (string.IsNullOrEmpty(origin)) return null;
        foreach (var pattern in _originPatterns)
            if (pattern.IsMatch(origin)) return origin;
        return null;
    }

    /// <summary>ingress-nginx's origin regex: case-insensitive, whole origin, `*.` standing for one DNS label.</summary>
    static Regex OriginPattern(string origin) =>
        new("^" + Regex.Escape(origin).Replace(@"\*", "[A-Za-z0-9-]+") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}

/// <summary>ingress-nginx's `enable-cors` with `cors-allow-origin` (default `*`; comma-separated origins, `*.` wildcards),
/// `cors-allow-methods`, `cors-allow-headers`, `cors-allow-credentials` (default true), `cors-max-age` (default
/// 1728000) and `cors-expose-headers`, with its defaults and validation (a malformed value falls back to the default,
/// with a Warning).</summary>
internal static class CorsAnnotations
{
    public static readonly string[] Names =
        ["enable-cors", "cors-allow-origin", "cors-allow-methods", "cors-allow-headers", "cors-allow-credentials", "cors-max-age", "cors-expose-headers"];

    const string DefaultMethods = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
    const string DefaultHeaders = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";
    const int DefaultMaxAge = 1728000;

    static readonly Regex MethodsPattern = new(@"^([A-Za-z]+,?\s?)+$");
    static readonly Regex HeadersPattern = new(@"^([A-Za-z0-9\-_]+,?\s?)+$");
    static readonly Regex ExposePattern = new(@"^(([A-Za-z0-9\-_]+|\*),?\s?)+$");
    static readonly Regex OriginPattern = new(@"^((https?://)?(\*\.)?[A-Za-z0-9\-.]*(:[0-9]+)?|\*)$");

    public static CorsPolicy? Of(AnnotationReader annotations)
    {
        if (annotations.Bool("enable-cors") != true) return null;
        var origins = new List<string>();
        foreach (var origin in (annotations.Get("cors-allow-origin") ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (OriginPattern.IsMatch(origin)) origins.Add(origin);
            else annotations.Invalid("cors-allow-origin", origin, "is not an origin");
        }
        if (origins.Count == 0) origins.Add("*");
        return new CorsPolicy([.. origins],
            Valid(annotations, "cors-allow-methods", MethodsPattern) ?? DefaultMethods,
            Valid(annotations, "cors-allow-headers", HeadersPattern) ?? DefaultHeaders,
            annotations.Bool("cors-allow-credentials") ?? true,
            annotations.Int("cors-max-age") ?? DefaultMaxAge,
            Valid(annotations, "cors-expose-headers", ExposePattern));
    }

    static string? Valid(AnnotationReader annotations, string name, Regex pattern)
    {
        var value = annotations.Get(name);
        if (value is null || pattern.IsMatch(value)) return value;
        annotations.Invalid(name, value, "is not a comma-separated list of tokens");
        return null;
    }
}
