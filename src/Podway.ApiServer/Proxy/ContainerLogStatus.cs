using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// The kubelet's validateContainerLogStatus, evaluated on the Pod status the node reported: whether a container
/// has logs to show (current or previous run) and kube's message when it has not.
/// </summary>
internal static class ContainerLogStatus
{
    /// <summary>Null when logs can be read, else the kubelet's error text (kube answers 400 BadRequest with it).</summary>
    public static string? Problem(JsonObject pod, string container, bool previous)
    {
        var podName = pod["metadata"]?["name"]?.GetValue<string>() ?? "";
        var status = Find(pod, "containerStatuses", container) ?? Find(pod, "initContainerStatuses", container) ?? Find(pod, "ephemeralContainerStatuses", container);
        if (status == null) return $"container \"{container}\" in pod \"{podName}\" is not available";
        var state = status["state"] as JsonObject;
        var lastTerminated = status["lastState"]?["terminated"];
        if (previous)
            return lastTerminated == null ? $"previous terminated container \"{container}\" in pod \"{podName}\" not found" : null;
        if (state?["running"] != null || state?["terminated"] != null || lastTerminated != null) return null;
        if (state?["waiting"] is JsonObject waiting)
        {
            return (waiting["reason"]?.GetValue<string>() ?? "") switch
            {
                "ErrImagePull" => $"container \"{container}\" in pod \"{podName}\" is waiting to start: image can't be pulled",
                "ImagePullBackOff" => $"container \"{container}\" in pod \"{podName}\" is waiting to start: trying and failing to pull image",
                var reason => $"container \"{container}\" in pod \"{podName}\" is waiting to start: {reason}",
            };
        }
        return $"container \"{container}\" in pod \"{podName}\" is waiting to start - no logs yet";
    }

    public static void Check(JsonObject pod, string container, bool previous)
    {
        if (Problem(pod, container, previous) is { } problem) throw ApiException.BadRequest(problem);
    }

    static JsonObject? Find(JsonObject pod, string field, string name) =>
        (pod["status"]?[field] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(s => s["name"]?.GetValue<string>() == name);
}
