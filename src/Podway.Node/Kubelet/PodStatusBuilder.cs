using System.Text.Json.Nodes;
using Podway.Node.Runtime;

namespace Podway.Node.Kubelet;

/// <summary>What the status is computed from: the pod, its containers, the sandbox and times the worker keeps.</summary>
internal sealed record PodStatusInput(
    JsonObject Pod,
    IReadOnlyList<ContainerSlot> Init,
    IReadOnlyList<ContainerSlot> Regular,
    bool SandboxReady,
    string? PodIp,
    string HostIp,
    string StartTime,
    string Phase)
{
    public IReadOnlyList<ContainerSlot> Ephemeral { get; init; } = [];
    /// <summary>Set when the kubelet evicted the Pod: status reason Evicted with this message, and DisruptionTarget.</summary>
    public string? EvictedMessage { get; init; }
}

/// <summary>
/// Builds the pod status the kubelet's generateAPIPodStatus does: phase, the conditions it owns
/// (PodReadyToStartContainers, Initialized, Ready, ContainersReady; others such as PodScheduled are kept),
/// IPs, startTime, and container statuses. A condition's lastTransitionTime moves only when its status changes.
/// </summary>
internal static class PodStatusBuilder
{
    static readonly HashSet<string> Owned = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"];

    public static JsonObject Build(PodStatusInput input, IDictionary<string, (string Status, string Time)> transitions, DateTime now)
    {
        var pod = input.Pod;
        var uid = pod["metadata"]?["uid"]?.GetValue<string>() ?? "";
        var existing = pod["status"] as JsonObject ?? [];
        var stamp = Time.Format(now);
        var conditions = new JsonArray();
        void Add(string type, bool status, string? reason = null, string? message = null)
        {
            var s = status ? "True" : "False";
            if (!transitions.TryGetValue(type, out var prev) || prev.Status != s) transitions[type] = prev = (s, stamp);
            var c = new JsonObject { ["type"] = type, ["status"] = s, ["lastProbeTime"] = null, ["lastTransitionTime"] = prev.Time };
            if (reason is not null) c["reason"] = reason;
            if (message is not null) c["message"] = message;
            conditions.Add((JsonNode)c);
        }

        var succeeded = input.Phase == "Succeeded";
        Add("PodReadyToStartContainers", input.SandboxReady);
        var incomplete = input.Init.Where(c => c.IsSidecar ? !c.Started : !(c.Terminated is { ExitCode: 0 } && c.Run is null)).Select(c => c.Name).ToList();
        if (incomplete.Count == 0 || succeeded) Add("Initialized", true, succeeded && input.Init.Count > 0 ? "PodCompleted" : null);
        else Add("Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]");

        var unready = input.Init.Where(c => c.IsSidecar && !c.Ready).Concat(input.Regular.Where(c => !c.Ready)).Select(c => c.Name).ToList();
        var gates = (pod["spec"]?["readinessGates"] as JsonArray ?? []).Select(g => g?["conditionType"]?.GetValue<string>() ?? "").ToList();
        var gatesFalse = gates.Where(g => !(existing["conditions"] as JsonArray ?? []).Any(c => c?["type"]?.GetValue<string>() == g && c?["status"]?.GetValue<string>() == "True")).ToList();
        if (succeeded)
        {
            Add("Ready", false, "PodCompleted");
            Add("ContainersReady", false, "PodCompleted");
        }
        else if (unready.Count > 0)
        {
            var message = $"containers with unready status: [{string.Join(' ', unready)}]";
            Add("Ready", false, "ContainersNotReady", message);
            Add("ContainersReady", false, "ContainersNotReady", message);
        }
        else
        {
            if (gatesFalse.Count > 0) Add("Ready", false, "ReadinessGatesNotReady", $"corresponding condition of pod readiness gate \"{gatesFalse[0]}\" does not exist.");
            else Add("Ready", true);
            Add("ContainersReady", true);
        }
        if (input.EvictedMessage is not null)
            Add("DisruptionTarget", true, "TerminationByKubelet", input.EvictedMessage);
        foreach (var c in (existing["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            if (c["type"]?.GetValue<string>() is var type && !Owned.Contains(type ?? "") && !(type == "DisruptionTarget" && input.EvictedMessage is not null))
                conditions.Add(c.DeepClone());

        var status = new JsonObject
        {
            ["phase"] = input.Phase,
            ["conditions"] = conditions,
            ["hostIP"] = input.HostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = input.HostIp }),
        };
        if (input.PodIp is not null)
        {
            status["podIP"] = input.PodIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = input.PodIp });
        }
        status["startTime"] = input.StartTime;
        if (input.EvictedMessage is not null)
        {
            status["reason"] = "Evicted";
            status["message"] = input.EvictedMessage;
        }
        if (input.Init.Count > 0) status["initContainerStatuses"] = Statuses(input.Init, uid, input.Phase);
        status["containerStatuses"] = Statuses(input.Regular, uid, input.Phase);
        if (input.Ephemeral.Count > 0) status["ephemeralContainerStatuses"] = Statuses(input.Ephemeral, uid, input.Phase);
        return status;
    }

    static JsonArray Statuses(IReadOnlyList<ContainerSlot> slots, string uid, string phase)
    {
        var array = new JsonArray();
        foreach (var c in slots)
        {
            JsonObject state, last = [];
            if (c.Run is { } run && !run.HasExited)
                state = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time.Format(run.StartedAt) } };
            else if (c.Run is { HasExited: true } exited && c.Terminated is null)
                // Exited during this sync, not collected yet: terminated, not "ContainerCreating" (kubectl logs would refuse it).
                state = new JsonObject { ["terminated"] = Terminated(exited.Exited.Result, c.ContainerId(uid)) };
            else if (c.WaitingReason is not null || c.Terminated is null)
            {
                var waiting = new JsonObject { ["reason"] = c.WaitingReason ?? (c.IsInit ? "PodInitializing" : "ContainerCreating") };
                if (c.WaitingMessage is not null) waiting["message"] = c.WaitingMessage;
                state = new JsonObject { ["waiting"] = waiting };
            }
            else state = new JsonObject { ["terminated"] = Terminated(c.Terminated, c.ContainerId(uid)) };
            var lastRun = c.WaitingReason is not null && c.Terminated is not null ? c.Terminated : c.LastTerminated;
            var lastId = c.WaitingReason is not null && c.Terminated is not null ? c.RestartCount : c.RestartCount - 1;
            if (lastRun is not null) last["terminated"] = Terminated(lastRun, $"podway://{uid}-{c.Name}-{lastId}");
            var status = new JsonObject
            {
                ["name"] = c.Name,
                ["state"] = state,
                ["lastState"] = last,
                ["ready"] = c.Ready && !c.IsEphemeral, // nothing relies on an ephemeral container
                ["restartCount"] = c.RestartCount,
                ["image"] = c.Image,
                ["imageID"] = c.EverStarted ? $"podway://{c.Image}" : "",
            };
            if (c.EverStarted) status["containerID"] = c.ContainerId(uid);
            status["started"] = c.Started;
            array.Add((JsonNode)status);
        }
        return array;
    }

    static JsonObject Terminated(TerminatedInfo t, string containerId)
    {
        var o = new JsonObject { ["exitCode"] = t.ExitCode, ["reason"] = t.Reason };
        if (t.Message is not null) o["message"] = t.Message;
        o["startedAt"] = Time.Format(t.StartedAt);
        o["finishedAt"] = Time.Format(t.FinishedAt);
        o["containerID"] = containerId;
        return o;
    }
}
