using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.ApiServer.Registry;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// Where a pod subresource request goes: the Pod, the container it names (defaulted when the Pod has one), and
/// the kubelet of the Pod's node (kube-apiserver pkg/registry/core/pod/strategy.go LogLocation/streamLocation).
/// </summary>
internal sealed record KubeletTarget(JsonObject Pod, string? Container, string? Host, int Port)
{
    const int DefaultKubeletPort = 10250;

    public string Namespace => Pod["metadata"]?["namespace"]?.GetValue<string>() ?? "";
    public string Name => Pod["metadata"]?["name"]?.GetValue<string>() ?? "";
    public bool HasHost => Host != null;

    /// <param name="needsContainer">log, exec and attach address one container; portforward the whole Pod.</param>
    /// <param name="needsHost">exec, attach and portforward fail without a node; a log of an unscheduled Pod is empty.</param>
    public static KubeletTarget Resolve(ObjectRegistry registry, string ns, string podName, string? container, bool needsContainer, bool needsHost)
    {
        var pod = registry.GetStored(BuiltinResources.Pod, ns, podName).Parse();
        if (needsContainer) container = ResolveContainer(pod, podName, container);
        var nodeName = pod["spec"]?["nodeName"]?.GetValue<string>();
        if (string.IsNullOrEmpty(nodeName))
        {
            if (needsHost) throw ApiException.BadRequest($"pod {podName} does not have a host assigned");
            return new KubeletTarget(pod, container, null, 0);
        }
        var (host, port) = Endpoint(registry.GetStored(BuiltinResources.Node, "", nodeName).Parse());
        if (host is null) throw ApiException.BadRequest($"node {nodeName} has no addresses"); // kube: no preferred addresses found
        return new KubeletTarget(pod, container, host, port);
    }

    /// <summary>A Node's kubelet: its InternalIP (else first address) and status.daemonEndpoints.kubeletEndpoint.Port.</summary>
    public static (string? Host, int Port) Endpoint(JsonObject node)
    {
        var addresses = node["status"]?["addresses"] as JsonArray ?? [];
        var address = addresses.FirstOrDefault(a => a?["type"]?.GetValue<string>() == "InternalIP") ?? addresses.FirstOrDefault();
        var port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.GetValue<int>() is > 0 and var p ? p : DefaultKubeletPort;
        return (address?["address"]?.GetValue<string>(), port);
    }

    static string ResolveContainer(JsonObject pod, string podName, string? container)
    {
        var containers = Names(pod, "containers");
        if (string.IsNullOrEmpty(container))
        {
            if (containers.Count == 1) return containers[0];
            var init = Names(pod, "initContainers");
            var choice = $"a container name must be specified for pod {podName}, choose one of: [{string.Join(" ", containers)}]";
            if (init.Count > 0) choice += $" or one of the init containers: [{string.Join(" ", init)}]";
            throw ApiException.BadRequest(choice);
        }
        var all = containers.Concat(Names(pod, "initContainers")).Concat(Names(pod, "ephemeralContainers"));
        if (!all.Contains(container)) throw ApiException.BadRequest($"container {container} is not valid for pod {podName}");
        return container;
    }

    static List<string> Names(JsonObject pod, string field) =>
        (pod["spec"]?[field] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>()).OfType<string>().ToList();
}
