using System.Text.Json.Nodes;

namespace Podway.Edge.Gateway;

/// <summary>Names podway's Gateway API implementation answers to, and the shape of a status condition.</summary>
public static class GatewayApi
{
    public const string Group = "gateway.networking.k8s.io";
    /// <summary>The GatewayClass podway installs, and the controllerName it claims classes by.</summary>
    public const string ClassName = "podway", ControllerName = "podway.io/gateway-controller";
    /// <summary>On a Gateway's LoadBalancer Service in the edge's namespace: the Gateway it serves, as namespace/name.</summary>
    public const string GatewayAnnotation = "podway.io/gateway";
    /// <summary>Edge Pod ports handed to Gateway listener ports (one per Gateway and listener port).</summary>
    public const int FirstTargetPort = 20000, LastTargetPort = 29999;

    /// <summary>The features podway's class implements (GatewayClass status.supportedFeatures, sorted by name, ordinal).</summary>
    public static readonly IReadOnlyList<string> SupportedFeatures =
    [
        "GRPCRoute", "Gateway", "GatewayPort8080", "HTTPRoute", "HTTPRouteBackendTimeout", "HTTPRouteHostRewrite", "HTTPRouteMethodMatching",
        "HTTPRouteParentRefPort", "HTTPRoutePathRedirect", "HTTPRoutePathRewrite", "HTTPRoutePortRedirect",
        "HTTPRouteQueryParamMatching", "HTTPRouteRequestMirror", "HTTPRouteRequestTimeout", "HTTPRouteResponseHeaderModification",
        "HTTPRouteSchemeRedirect", "ReferenceGrant",
        "TCPRoute", "TLSRoute", "UDPRoute",
    ];

    /// <summary>A condition as the API writes it; lastTransitionTime is set by the status writer.</summary>
    public static JsonObject Condition(string type, bool status, string reason, string message, long generation) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["reason"] = reason,
        ["message"] = message,
        ["observedGeneration"] = generation,
    };

    /// <summary>A route's status.parents entry for one parentRef on a podway Gateway: Accepted as judged, ResolvedRefs
    /// from the first backendRef problem. A JsonNode, so JsonArray.Add takes it as a node (its generic Add&lt;JsonObject&gt;
    /// needs reflection the native build does not have).</summary>
    public static JsonNode RouteParent(JsonObject parentRef, (bool Ok, string Reason, string Message) accepted,
        (string Reason, string Message)? refProblem, long generation) => new JsonObject
    {
        ["parentRef"] = parentRef.DeepClone(),
        ["controllerName"] = ControllerName,
        ["conditions"] = new JsonArray(
            Condition("Accepted", accepted.Ok, accepted.Reason, accepted.Message, generation),
            refProblem is { } p
                ? Condition("ResolvedRefs", false, p.Reason, p.Message, generation)
                : Condition("ResolvedRefs", true, "ResolvedRefs", "All references resolved", generation)),
    };
}
