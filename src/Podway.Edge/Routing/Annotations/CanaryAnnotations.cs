using System.Text.RegularExpressions;

namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// A canary Ingress's traffic rule, attached to the main Ingress's route of the same host and path (ingress-nginx's
/// alternative backend), decided per request as its balancer.lua does: the header first (`canary-by-header-value`
/// exact, else `canary-by-header-pattern`, else the values `always` / `never`), then the cookie (`always` /
/// `never`), then the weight (a draw in 1..weight-total that is at most the weight).
/// </summary>
internal sealed class CanaryRule(BackendPool backend, IngressRef ingress, string? header, string? headerValue, Regex? headerPattern,
    string? cookie, int weight, int weightTotal)
{
    public BackendPool Backend => backend;
    public IngressRef Ingress => ingress;
    public int Weight => weight;
    public int WeightTotal => weightTotal;

    /// <summary>True when this request goes to the canary.</summary>
    public bool Chooses(Func<string, string?> requestHeader, Func<string, string?> requestCookie, Random random)
    {
        if (header is not null && requestHeader(header) is { } value)
        {
            if (headerValue is not null)
            {
                if (value == headerValue) return true;
            }
            else if (headerPattern is not null)
            {
                if (PathRegex.SafeMatch(headerPattern, value) is not null) return true;
            }
            else if (value == "always") return true;
            else if (value == "never") return false;
        }
        if (cookie is not null && requestCookie(cookie) is { } cookieValue)
        {
            if (cookieValue == "always") return true;
            if (cookieValue == "never") return false;
        }
        return random.Next(1, weightTotal + 1) <= weight;
    }
}

/// <summary>ingress-nginx's `canary: "true"` with `canary-weight` (0..`canary-weight-total`, default total 100),
/// `canary-by-header`, `canary-by-header-value`, `canary-by-header-pattern` and `canary-by-cookie`.</summary>
internal static class CanaryAnnotations
{
    public static readonly string[] Names =
        ["canary", "canary-weight", "canary-weight-total", "canary-by-header", "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie"];

    public static bool IsCanary(AnnotationReader annotations) => annotations.Bool("canary") == true;

    public static CanaryRule Of(AnnotationReader annotations, BackendPool backend)
    {
        var total = annotations.Int("canary-weight-total") ?? 100;
        if (total <= 0)
        {
            annotations.Invalid("canary-weight-total", total.ToString(), "is not a positive whole number");
            total = 100;
        }
        var weight = annotations.Int("canary-weight") ?? 0;
        if (weight > total)
        {
            annotations.Invalid("canary-weight", weight.ToString(), $"is more than canary-weight-total ({total})");
            weight = 0;
        }
        Regex? pattern = null;
        if (annotations.Get("canary-by-header-pattern") is { } source)
        {
            try { pattern = new Regex(source, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50)); }
            catch (ArgumentException) { annotations.Invalid("canary-by-header-pattern", source, "is not a regular expression"); }
        }
        return new CanaryRule(backend, annotations.Ingress, annotations.Get("canary-by-header"), annotations.Get("canary-by-header-value"),
            pattern, annotations.Get("canary-by-cookie"), weight, total);
    }
}
