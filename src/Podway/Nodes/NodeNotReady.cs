using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Nodes;

/// <summary>
/// Marks a Node's Ready condition Unknown when its agent is down, as kube's node lifecycle controller does once a
/// kubelet stops posting status (same reason and message), but at once: the supervisor knows the agent exited, it
/// need not wait out a lease. The next agent's registration sets Ready again.
/// </summary>
internal static class NodeNotReady
{
    public static async Task MarkAsync(ApiClient client, string nodeName, CancellationToken ct)
    {
        if (await client.TryGetAsync(BuiltinResources.Node, null, nodeName, ct) is not { } node) return;
        var conditions = node["status"]?["conditions"] as JsonArray ?? [];
        var ready = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
        if (ready is null || ready["status"]?.GetValue<string>() == "Unknown") return;
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        ready["status"] = "Unknown";
        ready["reason"] = "NodeStatusUnknown";
        ready["message"] = "Kubelet stopped posting node status.";
        ready["lastTransitionTime"] = now;
        await client.PatchAsync(BuiltinResources.Node, null, nodeName, PatchType.Merge,
            new JsonObject { ["status"] = new JsonObject { ["conditions"] = conditions.DeepClone() } }, subresource: "status", ct: ct);
    }
}
