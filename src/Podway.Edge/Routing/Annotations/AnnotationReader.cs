using System.Text.Json.Nodes;

namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// Reads one Ingress's `nginx.ingress.kubernetes.io/*` annotations for the annotation families, and reports a value
/// that does not parse as an `InvalidAnnotation` problem (a Warning event naming it): like ingress-nginx, which logs
/// and skips such an annotation, the edge then behaves as if it were absent.
/// </summary>
internal sealed class AnnotationReader(JsonObject ingress, IngressRef reference, List<IngressProblem> problems)
{
    public const string InvalidReason = "InvalidAnnotation";

    public IngressRef Ingress => reference;

    /// <summary>The value of `nginx.ingress.kubernetes.io/<paramref name="name"/>`, null when absent or empty.</summary>
    public string? Get(string name) =>
        Json.Annotation(ingress, UnsupportedAnnotations.Prefix + name) is { } value && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>"true"/"false" as ingress-nginx's parser reads them (strconv.ParseBool); anything else is invalid.</summary>
    public bool? Bool(string name)
    {
        var value = Get(name);
        if (value is null) return null;
        switch (value)
        {
            case "true" or "True" or "TRUE" or "1" or "t" or "T": return true;
            case "false" or "False" or "FALSE" or "0" or "f" or "F": return false;
            default: Invalid(name, value, "is not true or false"); return null;
        }
    }

    /// <summary>A non-negative integer, else invalid.</summary>
    public int? Int(string name)
    {
        var value = Get(name);
        if (value is null) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
        Invalid(name, value, "is not a whole number");
        return null;
    }

    public void Invalid(string name, string value, string why) =>
        problems.Add(new IngressProblem(reference, InvalidReason,
            $"annotation {UnsupportedAnnotations.Prefix}{name}: \"{value}\" {why}: ignored"));

    /// <summary>A problem that is not about a single value (a missing Secret, ...).</summary>
    public void Problem(string reason, string message) => problems.Add(new IngressProblem(reference, reason, message));
}
