using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Node.Runtime;

namespace Podway.Node.Kubelet;

/// <summary>
/// What the API last heard about a finished container, for a finished Pod whose run records went with its
/// sandbox: an agent started again reports the same terminated states (and so serves the same logs) instead
/// of containers that never ran.
/// </summary>
internal static class ReportedContainerState
{
    public static void Restore(ContainerSlot slot, JsonObject pod)
    {
        var field = slot.IsEphemeral ? "ephemeralContainerStatuses" : slot.IsInit ? "initContainerStatuses" : "containerStatuses";
        var status = (pod["status"]?[field] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(s => s["name"]?.GetValue<string>() == slot.Name);
        if (status?["state"]?["terminated"] is not JsonObject terminated) return;
        slot.EverStarted = true;
        slot.RestartCount = status["restartCount"]?.GetValue<int>() ?? 0;
        slot.Terminated = Parse(terminated);
        if (status["lastState"]?["terminated"] is JsonObject last) slot.LastTerminated = Parse(last);
    }

    static TerminatedInfo Parse(JsonObject t) => new(
        t["exitCode"]?.GetValue<int>() ?? 0,
        t["reason"]?.GetValue<string>() ?? "",
        Date(t["startedAt"]),
        Date(t["finishedAt"]),
        t["message"]?.GetValue<string>());

    static DateTime Date(JsonNode? n) =>
        DateTime.TryParse(n?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : DateTime.UtcNow;
}
