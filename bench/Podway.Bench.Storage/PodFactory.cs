using System.Text.Json.Nodes;

namespace Podway.Bench.Storage;

/// <summary>A pod roughly the size kube stores for a Deployment replica (~2 KB of JSON).</summary>
internal static class PodFactory
{
    public static JsonObject Create(string ns, string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = Guid.NewGuid().ToString(),
            ["creationTimestamp"] = "2025-01-01T00:00:00Z",
            ["generateName"] = "web-7d4b9c8f6d-",
            ["labels"] = new JsonObject { ["app"] = "web", ["pod-template-hash"] = "7d4b9c8f6d", ["tier"] = "frontend" },
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "web-7d4b9c8f6d",
                ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true, ["blockOwnerDeletion"] = true,
            }),
        },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "nginx",
                ["image"] = "nginx:1.27",
                ["imagePullPolicy"] = "IfNotPresent",
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80, ["protocol"] = "TCP" }),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" } },
                ["readinessProbe"] = new JsonObject
                {
                    ["httpGet"] = new JsonObject { ["path"] = "/", ["port"] = 80, ["scheme"] = "HTTP" },
                    ["periodSeconds"] = 10, ["timeoutSeconds"] = 1, ["successThreshold"] = 1, ["failureThreshold"] = 3,
                },
                ["terminationMessagePath"] = "/dev/termination-log",
                ["terminationMessagePolicy"] = "File",
                ["volumeMounts"] = new JsonArray(new JsonObject
                {
                    ["name"] = "kube-api-access-abcde", ["readOnly"] = true, ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount",
                }),
            }),
            ["dnsPolicy"] = "ClusterFirst",
            ["enableServiceLinks"] = true,
            ["nodeName"] = "podway-node-1",
            ["preemptionPolicy"] = "PreemptLowerPriority",
            ["priority"] = 0,
            ["restartPolicy"] = "Always",
            ["schedulerName"] = "default-scheduler",
            ["securityContext"] = new JsonObject(),
            ["serviceAccountName"] = "default",
            ["terminationGracePeriodSeconds"] = 30,
            ["tolerations"] = new JsonArray(
                new JsonObject { ["key"] = "node.kubernetes.io/not-ready", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 },
                new JsonObject { ["key"] = "node.kubernetes.io/unreachable", ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 }),
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["hostIP"] = "10.89.0.2",
            ["podIP"] = "10.244.0.17",
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "10.244.0.17" }),
            ["qosClass"] = "Burstable",
            ["startTime"] = "2025-01-01T00:00:01Z",
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = "2025-01-01T00:00:01Z" },
                new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = "2025-01-01T00:00:03Z" },
                new JsonObject { ["type"] = "ContainersReady", ["status"] = "True", ["lastTransitionTime"] = "2025-01-01T00:00:03Z" },
                new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = "2025-01-01T00:00:00Z" }),
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "nginx", ["image"] = "nginx:1.27", ["imageID"] = "podway://nginx", ["ready"] = true, ["started"] = true,
                ["restartCount"] = 0, ["containerID"] = "podway://" + Guid.NewGuid().ToString("N"),
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2025-01-01T00:00:02Z" } },
            }),
        },
    };
}
