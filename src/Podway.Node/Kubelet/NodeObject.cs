using System.Text.Json.Nodes;

namespace Podway.Node.Kubelet;

/// <summary>The Node object the kubelet registers and the status it posts (pkg/kubelet/nodestatus setters).</summary>
internal static class NodeObject
{
    public const string KubeletVersion = "v1.33.1";

    public static JsonObject Build(NodeIdentity node, NodeAgentOptions options)
    {
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = node.NodeName,
            ["kubernetes.io/os"] = "linux",
        };
        // kind labels its first node as the control plane; podway's first node hosts the control plane too.
        if (node.Index == 0) labels["node-role.kubernetes.io/control-plane"] = "";
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = node.NodeName,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" },
            },
            ["spec"] = new JsonObject { ["podCIDR"] = node.PodCidr, ["podCIDRs"] = new JsonArray(node.PodCidr) },
            ["status"] = Status(node, options, null, DateTime.UtcNow),
        };
    }

    /// <summary>The status, keeping each condition's lastTransitionTime from previous when its status did not change.</summary>
    public static JsonObject Status(NodeIdentity node, NodeAgentOptions options, JsonObject? previous, DateTime now)
    {
        var resources = new JsonObject
        {
            ["cpu"] = Environment.ProcessorCount.ToString(),
            ["ephemeral-storage"] = $"{HostFacts.EphemeralStorageKi(node.StateDir)}Ki",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = $"{HostFacts.MemoryKi()}Ki",
            ["pods"] = options.MaxPods.ToString(),
        };
        var stamp = Time.Format(now);
        JsonObject Condition(string type, string status, string reason, string message)
        {
            var old = (previous?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
            var transition = old is not null && old["status"]?.GetValue<string>() == status ? old["lastTransitionTime"]?.GetValue<string>() ?? stamp : stamp;
            return new JsonObject
            {
                ["type"] = type, ["status"] = status, ["lastHeartbeatTime"] = stamp, ["lastTransitionTime"] = transition,
                ["reason"] = reason, ["message"] = message,
            };
        }
        return new JsonObject
        {
            ["addresses"] = new JsonArray(
                new JsonObject { ["type"] = "InternalIP", ["address"] = node.NodeIp.ToString() },
                new JsonObject { ["type"] = "Hostname", ["address"] = node.NodeName }),
            ["capacity"] = resources,
            ["allocatable"] = resources.DeepClone(),
            ["conditions"] = new JsonArray(
                // Set by the route controller in clouds; podway routes every node's pod range itself.
                Condition("NetworkUnavailable", "False", "RouteCreated", "RouteController created a route"),
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
            ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = node.KubeletPort } },
            ["nodeInfo"] = new JsonObject
            {
                ["machineID"] = HostFacts.MachineId(),
                ["systemUUID"] = HostFacts.SystemUuid(),
                ["bootID"] = HostFacts.BootId(),
                ["kernelVersion"] = HostFacts.KernelVersion(),
                ["osImage"] = HostFacts.OsImage(),
                ["containerRuntimeVersion"] = $"podway://{options.RuntimeVersion}",
                ["kubeletVersion"] = KubeletVersion,
                // Since 1.31 (DisableNodeKubeProxyVersion) the kubelet leaves this empty.
                ["kubeProxyVersion"] = "",
                ["operatingSystem"] = "linux",
                ["architecture"] = "amd64",
            },
        };
    }
}
