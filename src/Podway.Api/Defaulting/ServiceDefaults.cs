using System.Text.Json;
using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>
/// SetDefaults_Service plus the IP family fields the service REST storage fills in (for a single-stack
/// IPv4 cluster). ClusterIP and NodePort allocation belong to the API server's allocators, not here;
/// only clusterIP/clusterIPs are kept in step, as v1 conversion does.
/// </summary>
internal static class ServiceDefaults
{
    const long DefaultClientIpAffinitySeconds = 10800;

    public static void Service(JsonObject svc)
    {
        var spec = EnsureObject(svc, "spec");
        DefaultString(spec, "sessionAffinity", "None");
        var affinity = String(spec, "sessionAffinity");
        if (affinity == "None") spec.Remove("sessionAffinityConfig");
        if (affinity == "ClientIP")
        {
            var clientIp = EnsureObject(EnsureObject(spec, "sessionAffinityConfig"), "clientIP");
            Default(clientIp, "timeoutSeconds", DefaultClientIpAffinitySeconds);
        }

        DefaultString(spec, "type", "ClusterIP");
        var type = String(spec, "type");
        foreach (var port in Objects(spec, "ports"))
        {
            DefaultString(port, "protocol", "TCP");
            if (IsZero(port, "targetPort") || IsEmptyString(port, "targetPort"))
                if (port["port"] is { } p) port["targetPort"] = p.DeepClone();
        }

        var external = type is "NodePort" or "LoadBalancer";
        if (external) DefaultString(spec, "externalTrafficPolicy", "Cluster");
        if (external || type == "ClusterIP") Default(spec, "internalTrafficPolicy", "Cluster");
        if (type == "LoadBalancer") Default(spec, "allocateLoadBalancerNodePorts", true);

        ClusterIps(spec);
        IpFamilies(spec, type);

        var loadBalancer = EnsureObject(EnsureObject(svc, "status"), "loadBalancer");
        if (type == "LoadBalancer")
            foreach (var ingress in Objects(loadBalancer, "ingress"))
                if (!IsEmptyString(ingress, "ip")) Default(ingress, "ipMode", "VIP");
    }

    static void ClusterIps(JsonObject spec)
    {
        var single = String(spec, "clusterIP");
        var first = spec["clusterIPs"] is JsonArray { Count: > 0 } ips ? ips[0]?.GetValue<string>() : null;
        if (!string.IsNullOrEmpty(single) && first is null) spec["clusterIPs"] = StringArray(single);
        else if (string.IsNullOrEmpty(single) && !string.IsNullOrEmpty(first)) spec["clusterIP"] = first;
    }

    static void IpFamilies(JsonObject spec, string? type)
    {
        if (type == "ExternalName") return;
        var headlessSelectorless = String(spec, "clusterIP") == "None" && IsEmptyObject(spec, "selector");
        if (IsMissing(spec, "ipFamilyPolicy"))
        {
            var families = spec["ipFamilies"] as JsonArray;
            spec["ipFamilyPolicy"] = headlessSelectorless || families?.Count == 2 ? "RequireDualStack" : "SingleStack";
        }
        if (IsEmptyArray(spec, "ipFamilies"))
        {
            var ip = String(spec, "clusterIP") ?? "";
            spec["ipFamilies"] = StringArray(ip.Contains(':') ? "IPv6" : "IPv4");
        }
    }
}
