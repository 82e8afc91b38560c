using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.Workloads;

/// <summary>
/// Plays a node for the controllers, through the API only: registers a Ready Node, marks Pods bound to it Running and
/// Ready with a pod IP through the status subresource (unless the image is "never-ready"), and finishes the deletion
/// of its terminating Pods, as a kubelet would.
/// </summary>
public sealed class FakeKubelet : IAsyncDisposable
{
    public const string NeverReadyImage = "never-ready";
    readonly ApiClient _client;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    int _nextIp = 2;

    public string NodeName { get; }

    FakeKubelet(ApiClient client, string nodeName)
    {
        _client = client;
        NodeName = nodeName;
        _loop = Task.Run(LoopAsync);
    }

    public static async Task<FakeKubelet> StartAsync(ApiClient client, string nodeName, JsonObject? labels = null)
    {
        await client.CreateAsync(BuiltinResources.Node, null, NodeObjects.Ready(nodeName, labels));
        return new FakeKubelet(client, nodeName);
    }

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var pods = await _client.ListAsync(BuiltinResources.Pod, null, null, _stop.Token);
                foreach (var pod in pods["items"]!.AsArray().OfType<JsonObject>().Where(p => p.Obj("spec").Str("nodeName") == NodeName))
                    await TendAsync(pod);
            }
            catch (Exception) when (!_stop.IsCancellationRequested) { }
            catch (OperationCanceledException) { return; }
            try { await Task.Delay(50, _stop.Token); } catch (OperationCanceledException) { return; }
        }
    }

    async Task TendAsync(JsonObject pod)
    {
        try
        {
            if (pod.Obj("metadata").Str("deletionTimestamp") is not null)
            {
                await _client.DeleteAsync(BuiltinResources.Pod, pod.Namespace(), pod.Name(), new DeleteOptions { GracePeriodSeconds = 0 }, _stop.Token);
                return;
            }
            if (pod.Obj("status").Str("phase") == "Running") return;
            var ready = pod.Obj("spec")!.Arr("containers")!.OfType<JsonObject>().All(c => c.Str("image") != NeverReadyImage);
            await MarkRunningAsync(_client, pod, ready, $"10.244.0.{Interlocked.Increment(ref _nextIp) % 250 + 2}");
        }
        catch (Podway.Api.Errors.ApiException) { }
    }

    /// <summary>The status a kubelet reports for a started pod.</summary>
    public static Task MarkRunningAsync(ApiClient client, JsonObject pod, bool ready, string ip)
    {
        var now = JsonNodes.Rfc3339(DateTimeOffset.UtcNow);
        JsonObject Condition(string type, bool status) => new() { ["type"] = type, ["status"] = status ? "True" : "False", ["lastProbeTime"] = null, ["lastTransitionTime"] = now };
        return client.PatchAsync(BuiltinResources.Pod, pod.Namespace(), pod.Name(), PatchType.Merge, new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = "Running", ["podIP"] = ip, ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }), ["hostIP"] = "172.31.0.2", ["startTime"] = now,
                ["conditions"] = new JsonArray(Condition("PodScheduled", true), Condition("Initialized", true), Condition("ContainersReady", ready), Condition("Ready", ready)),
            },
        }, subresource: "status");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        try { await _client.DeleteAsync(BuiltinResources.Node, null, NodeName); } catch (Podway.Api.Errors.ApiException) { }
    }
}

public static class NodeObjects
{
    public static JsonObject Ready(string name, JsonObject? labels = null, bool ready = true, bool unschedulable = false, JsonArray? taints = null, int pods = 110)
    {
        var spec = new JsonObject();
        if (unschedulable) spec["unschedulable"] = true;
        if (taints is not null) spec["taints"] = taints;
        var capacity = new JsonObject { ["cpu"] = "4", ["memory"] = "8Gi", ["pods"] = pods.ToString() };
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels ?? new JsonObject { ["kubernetes.io/hostname"] = name } },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["capacity"] = capacity, ["allocatable"] = capacity.DeepClone(),
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["reason"] = "KubeletReady", ["message"] = "kubelet is posting ready status" }),
            },
        };
    }
}
