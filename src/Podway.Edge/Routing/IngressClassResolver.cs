using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>
/// Decides which Ingresses this edge serves, the way ingress-nginx does: by the IngressClass named in
/// spec.ingressClassName, else by the legacy `kubernetes.io/ingress.class` annotation, else by a default IngressClass
/// of ours. An Ingress naming a class that is not ours, or that does not exist, is left alone.
/// </summary>
public static class IngressClassResolver
{
    /// <summary>spec.controller of the IngressClass kubectl users know from ingress-nginx.</summary>
    public const string NginxController = "k8s.io/ingress-nginx";

    /// <summary>spec.controller of podway's own IngressClass.</summary>
    public const string PodwayController = "podway.io/edge";

    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>Class names the legacy annotation may carry for us.</summary>
    public static readonly IReadOnlyList<string> LegacyClassNames = ["nginx", "podway"];

    public static bool IsOurController(string? controller) => controller is NginxController or PodwayController;

    /// <summary>Whether <paramref name="ingress"/> is ours given every IngressClass in the cluster.</summary>
    public static bool IsOurs(JsonObject ingress, IEnumerable<JsonObject> ingressClasses)
    {
        var className = Text(ingress["spec"]?["ingressClassName"]);
        if (!string.IsNullOrEmpty(className))
        {
            foreach (var c in ingressClasses)
                if (Text(c["metadata"]?["name"]) == className)
                    return IsOurController(Text(c["spec"]?["controller"]));
            return false; // names a class that does not exist: not ours
        }

        var legacy = Text(ingress["metadata"]?["annotations"]?[LegacyClassAnnotation]);
        if (legacy is not null)
            return legacy is "nginx" or "podway";

        foreach (var c in ingressClasses)
            if (IsDefault(c) && IsOurController(Text(c["spec"]?["controller"])))
                return true;
        return false;
    }

    /// <summary>The Ingresses among <paramref name="ingresses"/> this edge serves.</summary>
    public static IReadOnlyList<JsonObject> Served(IEnumerable<JsonObject> ingresses, IEnumerable<JsonObject> ingressClasses)
    {
        var classes = ingressClasses as IReadOnlyCollection<JsonObject> ?? [.. ingressClasses];
        var served = new List<JsonObject>();
        foreach (var ing in ingresses)
            if (IsOurs(ing, classes))
                served.Add(ing);
        return served;
    }

    /// <summary>An IngressClass annotated `ingressclass.kubernetes.io/is-default-class: "true"`.</summary>
    public static bool IsDefault(JsonObject ingressClass) =>
        Text(ingressClass["metadata"]?["annotations"]?[DefaultClassAnnotation]) == "true"; // exact, as the admission plugin compares

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
