using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Workloads;

/// <summary>Conditions in a status object, with the update rules of kube's deploymentutil/replicaset SetCondition.</summary>
internal static class StatusConditions
{
    /// <summary>A copy whose numbers read back as any type (a value built from an int does not read as long).</summary>
    public static JsonObject Reparse(JsonObject o) => JsonNode.Parse(o.ToJsonString())!.AsObject();

    public static JsonObject? Get(JsonObject? status, string type) =>
        status?.Arr("conditions")?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);

    public static JsonObject New(string type, string status, string reason, string message, DateTimeOffset now, bool withUpdateTime)
    {
        var condition = new JsonObject { ["type"] = type, ["status"] = status };
        if (withUpdateTime) condition["lastUpdateTime"] = JsonNodes.Rfc3339(now);
        condition["lastTransitionTime"] = JsonNodes.Rfc3339(now);
        condition["reason"] = reason;
        condition["message"] = message;
        return condition;
    }

    /// <summary>Same status and reason: nothing changes. Same status: keep lastTransitionTime. The condition goes last.</summary>
    public static void Set(JsonObject status, JsonObject condition)
    {
        var type = condition.Str("type")!;
        var current = Get(status, type);
        if (current is not null && current.Str("status") == condition.Str("status") && current.Str("reason") == condition.Str("reason")) return;
        if (current is not null && current.Str("status") == condition.Str("status"))
            condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
        Remove(status, type);
        status.EnsureArray("conditions").Add((JsonNode)condition);
    }

    public static void Remove(JsonObject status, string type)
    {
        if (status.Arr("conditions") is not { } conditions) return;
        foreach (var c in conditions.OfType<JsonObject>().Where(c => c.Str("type") == type).ToList()) conditions.Remove(c);
        if (conditions.Count == 0) status.Remove("conditions");
    }
}
