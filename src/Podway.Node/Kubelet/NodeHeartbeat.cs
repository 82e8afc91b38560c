using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Node.Kubelet;

/// <summary>
/// Registers the Node (create, or on AlreadyExists bring labels, podCIDR and status up to date), then posts the
/// node status every StatusUpdateInterval and renews the kube-node-lease Lease every LeaseRenewInterval, as the
/// kubelet's nodestatus loop and node lease controller do.
/// </summary>
internal sealed class NodeHeartbeat(ApiClient client, NodeIdentity node, NodeAgentOptions options)
{
    string? _nodeUid;

    public async Task RegisterAsync(CancellationToken ct)
    {
        var desired = NodeObject.Build(node, options);
        JsonObject registered;
        try
        {
            registered = await client.CreateAsync(BuiltinResources.Node, null, desired, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            var existing = await client.GetAsync(BuiltinResources.Node, null, node.NodeName, ct);
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = desired["metadata"]!["labels"]!.DeepClone() },
                ["spec"] = new JsonObject { ["podCIDR"] = node.PodCidr, ["podCIDRs"] = new JsonArray(node.PodCidr) },
            };
            if (existing["spec"]?["podCIDR"] is not null) patch.Remove("spec"); // podCIDR is immutable once set
            registered = await client.PatchAsync(BuiltinResources.Node, null, node.NodeName, PatchType.Merge, patch, ct: ct);
        }
        _nodeUid = ObjectMeta.Uid(registered);
        await PostStatusAsync(ct);
        await RenewLeaseAsync(ct);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var status = Loop(options.StatusUpdateInterval, PostStatusAsync, ct);
        var lease = Loop(options.LeaseRenewInterval, RenewLeaseAsync, ct);
        await Task.WhenAll(status, lease);
    }

    async Task Loop(TimeSpan interval, Func<CancellationToken, Task> action, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(interval, ct); } catch (OperationCanceledException) { return; }
            try { await action(ct); }
            catch (Exception e) when (!ct.IsCancellationRequested) { options.Log?.Invoke($"node heartbeat: {e.Message}"); }
        }
    }

    async Task PostStatusAsync(CancellationToken ct)
    {
        var current = await client.GetAsync(BuiltinResources.Node, null, node.NodeName, ct);
        _nodeUid = ObjectMeta.Uid(current);
        var status = NodeObject.Status(node, options, current["status"] as JsonObject, DateTime.UtcNow);
        await client.PatchAsync(BuiltinResources.Node, null, node.NodeName, PatchType.Merge, new JsonObject { ["status"] = status }, subresource: "status", ct: ct);
    }

    async Task RenewLeaseAsync(CancellationToken ct)
    {
        const string ns = "kube-node-lease";
        var now = Time.FormatMicro(DateTime.UtcNow);
        var lease = await client.TryGetAsync(BuiltinResources.Lease, ns, node.NodeName, ct);
        if (lease is null)
        {
            await client.CreateAsync(BuiltinResources.Lease, ns, new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject
                {
                    ["name"] = node.NodeName,
                    ["namespace"] = ns,
                    ["ownerReferences"] = new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = node.NodeName, ["uid"] = _nodeUid,
                    }),
                },
                ["spec"] = new JsonObject
                {
                    ["holderIdentity"] = node.NodeName,
                    ["leaseDurationSeconds"] = options.LeaseDurationSeconds,
                    ["renewTime"] = now,
                },
            }, ct);
            return;
        }
        var spec = lease["spec"] as JsonObject ?? [];
        lease["spec"] = spec;
        spec["holderIdentity"] = node.NodeName;
        spec["leaseDurationSeconds"] = options.LeaseDurationSeconds;
        spec["renewTime"] = now;
        await client.UpdateAsync(BuiltinResources.Lease, lease, ct);
    }
}
