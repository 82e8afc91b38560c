using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>pkg/apis/networking/v1/defaults.go, plus the always-printed empty structs of those types.</summary>
internal static class NetworkingDefaults
{
    /// <summary>Ingress has no SetDefaults (pathType is required); Go prints its empty status as loadBalancer: {}.</summary>
    public static void Ingress(JsonObject ingress) => EnsureObject(EnsureObject(ingress, "status"), "loadBalancer");

    public static void IngressClass(JsonObject ingressClass)
    {
        if (Object(Object(ingressClass, "spec"), "parameters") is { } parameters) Default(parameters, "scope", "Cluster");
    }

    public static void NetworkPolicy(JsonObject policy)
    {
        var spec = EnsureObject(policy, "spec");
        EnsureObject(spec, "podSelector");
        foreach (var rule in Objects(spec, "ingress").Concat(Objects(spec, "egress")))
            foreach (var port in Objects(rule, "ports"))
                Default(port, "protocol", "TCP");
        if (IsEmptyArray(spec, "policyTypes"))
        {
            // "Any policy that does not specify policyTypes implies at least Ingress."
            var types = StringArray("Ingress");
            if (!IsEmptyArray(spec, "egress")) types.Add((JsonNode)"Egress");
            spec["policyTypes"] = types;
        }
    }
}
