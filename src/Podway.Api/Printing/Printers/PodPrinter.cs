using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printPod: the STATUS reason walk over init and app containers, RESTARTS with "(Xm ago)".</summary>
internal sealed class PodPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Printing.Columns.Str("Status", "The aggregate status of the containers in this pod."),
        Printing.Columns.Str("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Printing.Columns.Age,
        Printing.Columns.Str("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
        Printing.Columns.Str("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.", 1),
        Printing.Columns.Str("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.", 1),
        Printing.Columns.Str("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
    ];

    // The reason the node lifecycle controller sets on pods of an unreachable node (k8s.io/kubernetes/pkg/util/node).
    const string NodeUnreachablePodReason = "NodeLost";

    public object?[] Cells(JsonObject pod, DateTimeOffset now)
    {
        var spec = Obj(pod, "spec");
        var status = Obj(pod, "status");
        long restarts = 0, restartableInitRestarts = 0;
        int totalContainers = Arr(spec, "containers").Count;
        int readyContainers = 0;
        DateTimeOffset? lastRestart = null, lastRestartableInitRestart = null;

        var phase = Str(status, "phase");
        var reason = phase;
        if (Str(status, "reason") != "") reason = Str(status, "reason");

        var conditions = Objects(status, "conditions").ToList();
        if (conditions.Any(c => Str(c, "type") == "PodScheduled" && Str(c, "reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var initContainers = new Dictionary<string, JsonObject>();
        var initSpecs = Objects(spec, "initContainers").ToList();
        foreach (var c in initSpecs)
        {
            initContainers[Str(c, "name")] = c;
            if (IsRestartable(c)) totalContainers++;
        }

        bool initializing = false;
        var initStatuses = Arr(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.Count; i++)
        {
            var cs = initStatuses[i];
            restarts += Long(cs, "restartCount");
            var finished = Time(cs, "lastState", "terminated", "finishedAt");
            if (Obj(cs, "lastState", "terminated") is not null) lastRestart = Later(lastRestart, finished);
            var restartable = IsRestartable(initContainers.GetValueOrDefault(Str(cs, "name")));
            if (restartable)
            {
                restartableInitRestarts += Long(cs, "restartCount");
                if (Obj(cs, "lastState", "terminated") is not null) lastRestartableInitRestart = Later(lastRestartableInitRestart, finished);
            }

            var terminated = Obj(cs, "state", "terminated");
            var waiting = Obj(cs, "state", "waiting");
            if (terminated is not null && Long(terminated, "exitCode") == 0) continue;
            if (restartable && Bool(cs, "started"))
            {
                if (Bool(cs, "ready")) readyContainers++;
                continue;
            }
            if (terminated is not null)
            {
                reason = Str(terminated, "reason") != "" ? "Init:" + Str(terminated, "reason")
                    : Long(terminated, "signal") != 0 ? $"Init:Signal:{Long(terminated, "signal")}"
                    : $"Init:ExitCode:{Long(terminated, "exitCode")}";
            }
            else if (waiting is not null && Str(waiting, "reason") is { Length: > 0 } w && w != "PodInitializing")
            {
                reason = "Init:" + w;
            }
            else
            {
                reason = $"Init:{i}/{initSpecs.Count}";
            }
            initializing = true;
            break;
        }

        if (!initializing || IsConditionTrue(conditions, "Initialized"))
        {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            bool hasRunning = false;
            var statuses = Arr(status, "containerStatuses");
            for (int i = statuses.Count - 1; i >= 0; i--)
            {
                var cs = statuses[i];
                restarts += Long(cs, "restartCount");
                if (Obj(cs, "lastState", "terminated") is not null) lastRestart = Later(lastRestart, Time(cs, "lastState", "terminated", "finishedAt"));
                var waiting = Obj(cs, "state", "waiting");
                var terminated = Obj(cs, "state", "terminated");
                if (waiting is not null && Str(waiting, "reason") != "") reason = Str(waiting, "reason");
                else if (terminated is not null && Str(terminated, "reason") != "") reason = Str(terminated, "reason");
                else if (terminated is not null)
                {
                    reason = Long(terminated, "signal") != 0 ? $"Signal:{Long(terminated, "signal")}" : $"ExitCode:{Long(terminated, "exitCode")}";
                }
                else if (Bool(cs, "ready") && Obj(cs, "state", "running") is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            // A pod whose last-listed container completed but another still runs reads as Running/NotReady.
            if (reason == "Completed" && hasRunning)
            {
                reason = IsConditionTrue(conditions, "Ready") ? "Running" : "NotReady";
            }
        }

        bool deleting = At(pod, "metadata", "deletionTimestamp") is not null;
        if (deleting && Str(status, "reason") == NodeUnreachablePodReason) reason = "Unknown";
        else if (deleting && phase is not ("Succeeded" or "Failed")) reason = "Terminating";

        var restartsText = restarts.ToString();
        if (restarts != 0 && lastRestart is { } lr) restartsText = $"{restarts} ({HumanDuration.Since(lr, now)} ago)";

        var podIPs = Objects(status, "podIPs").Select(p => Str(p, "ip")).ToList();
        var podIP = podIPs.Count > 0 ? podIPs[0] : "";
        var readinessGates = "<none>";
        var gates = Objects(spec, "readinessGates").ToList();
        if (gates.Count > 0)
        {
            int trueGates = gates.Count(g => conditions.FirstOrDefault(c => Str(c, "type") == Str(g, "conditionType")) is { } c && Str(c, "status") == "True");
            readinessGates = $"{trueGates}/{gates.Count}";
        }

        return
        [
            ObjectMetaRead.Name(pod), $"{readyContainers}/{totalContainers}", reason, restartsText, ObjectMetaRead.Age(pod, now),
            OrNone(podIP), OrNone(Str(spec, "nodeName")), OrNone(Str(status, "nominatedNodeName")), readinessGates,
        ];
    }

    public JsonArray? Conditions(JsonObject pod) => Str(pod, "status", "phase") switch
    {
        "Succeeded" => Completed("Succeeded", "The pod has completed successfully."),
        "Failed" => Completed("Failed", "The pod failed."),
        _ => null,
    };

    static JsonArray Completed(string reason, string message) =>
        [(JsonNode)new JsonObject { ["type"] = "Completed", ["status"] = "True", ["reason"] = reason, ["message"] = message }];

    static bool IsRestartable(JsonObject? initContainer) => Str(initContainer, "restartPolicy") == "Always";

    // Go's podutil loops return on the first condition of the type.
    static bool IsConditionTrue(List<JsonObject> conditions, string type) =>
        conditions.FirstOrDefault(c => Str(c, "type") == type) is { } c && Str(c, "status") == "True";

    // metav1.Time.Before treats a missing finishedAt as the zero time, which never wins.
    static DateTimeOffset? Later(DateTimeOffset? current, DateTimeOffset? candidate) =>
        candidate is { } c && (current is null || current < c) ? c : current;

    static string OrNone(string s) => s.Length == 0 ? "<none>" : s;
}
