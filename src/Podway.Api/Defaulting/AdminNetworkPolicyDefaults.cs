using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>The OpenAPI "default:" values of the network-policy-api v1alpha1 CRDs: a port's protocol is TCP.</summary>
internal static class AdminNetworkPolicyDefaults
{
    public static void Policy(JsonObject policy)
    {
        var spec = Object(policy, "spec");
        foreach (var direction in new[] { "ingress", "egress" })
            foreach (var rule in Objects(spec, direction))
                foreach (var port in Objects(rule, "ports"))
                    foreach (var kind in new[] { "portNumber", "portRange" })
                        if (Object(port, kind) is { } p) Default(p, "protocol", "TCP");
    }
}
