using Podway.Api.Resources;

namespace Podway.ApiServer.Routing;

/// <summary>What a resource URL names: the type, and optionally a namespace, an object and a subresource.</summary>
public sealed record RequestInfo(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>For the proxy subresource: the path after `proxy` ("/" when none), as kube's connecters take it.</summary>
    public string? ProxyPath { get; init; }

    /// <summary>The store namespace key: "" for cluster-scoped types.</summary>
    public string StoreNamespace => Type.Namespaced ? Namespace ?? "" : "";
}
