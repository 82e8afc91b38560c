using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>Endpoints (core/v1 SetDefaults_Endpoints) and EndpointSlice (discovery/v1 SetDefaults_EndpointPort).</summary>
internal static class DiscoveryDefaults
{
    public static void Endpoints(JsonObject endpoints)
    {
        foreach (var subset in Objects(endpoints, "subsets"))
            foreach (var port in Objects(subset, "ports"))
                DefaultString(port, "protocol", "TCP");
    }

    public static void EndpointSlice(JsonObject slice)
    {
        foreach (var port in Objects(slice, "ports"))
        {
            // kube defaults the name to "" (kubectl describe svc dereferences it) and the protocol to TCP.
            Default(port, "name", "");
            Default(port, "protocol", "TCP");
        }
        foreach (var endpoint in Objects(slice, "endpoints")) EnsureObject(endpoint, "conditions");
    }
}
