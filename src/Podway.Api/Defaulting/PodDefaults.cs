using System.Text.Json.Nodes;
using static Podway.Api.Defaulting.JsonFields;

namespace Podway.Api.Defaulting;

/// <summary>
/// A Pod as kube-apiserver stores it: SetDefaults_Pod on top of the PodSpec defaults, then what the
/// default admission chain adds (ServiceAccount, Priority, DefaultTolerationSeconds) and what the pod
/// strategy sets on create (status.phase Pending and the QoS class).
/// </summary>
internal static class PodDefaults
{
    const long DefaultTolerationSeconds = 300;

    static readonly Dictionary<string, long> SystemPriorityClasses = new()
    {
        ["system-cluster-critical"] = 2000000000,
        ["system-node-critical"] = 2000001000,
    };

    public static void Pod(JsonObject pod)
    {
        var spec = EnsureObject(pod, "spec");
        PodSpecDefaults.Apply(spec);

        foreach (var c in Objects(spec, "containers").Concat(Objects(spec, "initContainers")))
            RequestsFromLimits(c);
        Default(spec, "enableServiceLinks", true);
        if (IsTrue(spec, "hostNetwork"))
            foreach (var c in Objects(spec, "containers").Concat(Objects(spec, "initContainers")))
                foreach (var p in Objects(c, "ports"))
                    if (IsZero(p, "hostPort") && p["containerPort"] is { } port) p["hostPort"] = port.DeepClone();

        ServiceAccount(spec);
        Priority(spec);
        Tolerations(spec);
        Status(pod, spec);
    }

    /// <summary>"If limits are specified, but requests are not, default requests to limits."</summary>
    static void RequestsFromLimits(JsonObject container)
    {
        if (Object(Object(container, "resources"), "limits") is not { } limits) return;
        var requests = EnsureObject((JsonObject)container["resources"]!, "requests");
        foreach (var (name, value) in limits)
            if (!requests.ContainsKey(name)) requests[name] = value?.DeepClone();
    }

    /// <summary>ServiceAccount admission names "default"; v1 conversion mirrors it into the deprecated serviceAccount.</summary>
    static void ServiceAccount(JsonObject spec)
    {
        if (IsEmptyString(spec, "serviceAccountName"))
            spec["serviceAccountName"] = String(spec, "serviceAccount") is { Length: > 0 } legacy ? legacy : "default";
        spec["serviceAccount"] = String(spec, "serviceAccountName");
    }

    /// <summary>Priority admission: no default PriorityClass exists, so priority 0 unless a system class is named.</summary>
    static void Priority(JsonObject spec)
    {
        var className = String(spec, "priorityClassName") ?? "";
        if (className.Length == 0) Default(spec, "priority", 0);
        else if (SystemPriorityClasses.TryGetValue(className, out var value)) Default(spec, "priority", value);
        if (className.Length == 0 || SystemPriorityClasses.ContainsKey(className))
            Default(spec, "preemptionPolicy", "PreemptLowerPriority");
    }

    /// <summary>
    /// DefaultTolerationSeconds admission: tolerate not-ready and unreachable nodes for 300s, unless a
    /// toleration already covers that taint (same key or empty key, NoExecute or empty effect).
    /// </summary>
    static void Tolerations(JsonObject spec)
    {
        var existing = Objects(spec, "tolerations").ToList();
        bool Tolerates(string key) => existing.Any(t =>
            (String(t, "key") is null or "" || String(t, "key") == key) &&
            (String(t, "effect") is null or "" || String(t, "effect") == "NoExecute"));

        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            if (Tolerates(key)) continue;
            if (spec["tolerations"] is not JsonArray list) spec["tolerations"] = list = new JsonArray();
            list.Add((JsonNode)new JsonObject
            {
                ["key"] = key,
                ["operator"] = "Exists",
                ["effect"] = "NoExecute",
                ["tolerationSeconds"] = DefaultTolerationSeconds,
            });
        }
    }

    static void Status(JsonObject pod, JsonObject spec)
    {
        var status = EnsureObject(pod, "status");
        DefaultString(status, "phase", "Pending");
        DefaultString(status, "qosClass", PodQos.Compute(spec));
        MirrorFirstIp(status, "podIP", "podIPs");
        MirrorFirstIp(status, "hostIP", "hostIPs");
    }

    /// <summary>v1 keeps a singular and a plural IP field; conversion keeps them in step (plural wins).</summary>
    static void MirrorFirstIp(JsonObject status, string single, string plural)
    {
        var first = Objects(status, plural).Select(o => String(o, "ip")).FirstOrDefault(ip => !string.IsNullOrEmpty(ip));
        if (first is not null) status[single] = first;
        else if (String(status, single) is { Length: > 0 } ip) status[plural] = new JsonArray(new JsonObject { ["ip"] = ip });
    }
}
