using Podway.Api.Resources;

namespace Podway.Api.Discovery;

/// <summary>What kube-apiserver reports for a subresource: the kind it answers with and the verbs it accepts.</summary>
internal sealed record SubresourceInfo(string Group, string Version, string Kind, string[] Verbs);

/// <summary>Subresource facts as kube-apiserver 1.33 lists them in discovery.</summary>
internal static class Subresources
{
    static readonly string[] GetPatchUpdate = ["get", "patch", "update"];
    static readonly string[] CreateGet = ["create", "get"];
    static readonly string[] Proxy = ["create", "delete", "get", "patch", "update"];

    public static SubresourceInfo Describe(ResourceType parent, string subresource) => subresource switch
    {
        "status" => new(parent.Group, parent.Version, parent.Kind, GetPatchUpdate),
        "scale" => new("autoscaling", "v1", "Scale", GetPatchUpdate),
        "log" => new("", "v1", "Pod", ["get"]),
        "exec" => new("", "v1", "PodExecOptions", CreateGet),
        "attach" => new("", "v1", "PodAttachOptions", CreateGet),
        "portforward" => new("", "v1", "PodPortForwardOptions", CreateGet),
        "binding" => new("", "v1", "Binding", ["create"]),
        "eviction" => new("policy", "v1", "Eviction", ["create"]),
        "ephemeralcontainers" => new("", "v1", "Pod", GetPatchUpdate),
        "finalize" => new("", "v1", "Namespace", ["update"]),
        "proxy" => new("", "v1", parent.Kind + "ProxyOptions", Proxy),
        _ => throw new ArgumentException($"no discovery facts for {parent.Plural}/{subresource}"),
    };

    /// <summary>Verbs of the resource itself: namespaces cannot be deleted as a collection.</summary>
    public static string[] ResourceVerbs(ResourceType type) => type == BuiltinResources.Namespace
        ? ["create", "delete", "get", "list", "patch", "update", "watch"]
        : ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
