using System.Text.Json.Nodes;

namespace Podway.Controllers;

/// <summary>
/// The five deletion conditions kube's namespace controller keeps on a Terminating namespace
/// (pkg/controller/namespace/deletion/status_condition_utils.go): True with a reason while something is wrong or
/// left, else False with the "ok" reason and message.
/// </summary>
internal static class NamespaceConditions
{
    public sealed record Condition(string Type, string Status, string Reason, string Message);

    static readonly (string Type, string OkReason, string OkMessage)[] Kinds =
    [
        ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
        ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
        ("NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
        ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
        ("NamespaceFinalizersRemaining", "ContentRemoved", "All content successfully removed"),
    ];

    /// <summary>The conditions for one pass: errors deleting, objects remaining per group-resource, and finalizers on them.</summary>
    public static IReadOnlyList<Condition> Compute(IReadOnlyList<string> deleteErrors,
        IReadOnlyDictionary<string, int> remainingByResource, IReadOnlyDictionary<string, int> remainingByFinalizer)
    {
        var failing = new Dictionary<string, Condition>();
        if (deleteErrors.Count > 0)
            failing["NamespaceDeletionContentFailure"] = new("NamespaceDeletionContentFailure", "True", "ContentDeletionFailed",
                $"Failed to delete all resource types, {deleteErrors.Count} remaining: {string.Join(", ", deleteErrors.Order(StringComparer.Ordinal))}");
        // kube prints "<resource>.<group>", so core resources read "pods." (with the empty group).
        var resources = remainingByResource.Where(p => p.Value > 0).Select(p => $"{p.Key} has {p.Value} resource instances").Order(StringComparer.Ordinal).ToList();
        if (resources.Count > 0)
            failing["NamespaceContentRemaining"] = new("NamespaceContentRemaining", "True", "SomeResourcesRemain",
                $"Some resources are remaining: {string.Join(", ", resources)}");
        var finalizers = remainingByFinalizer.Where(p => p.Value > 0).Select(p => $"{p.Key} in {p.Value} resource instances").Order(StringComparer.Ordinal).ToList();
        if (finalizers.Count > 0)
            failing["NamespaceFinalizersRemaining"] = new("NamespaceFinalizersRemaining", "True", "SomeFinalizerRemain",
                $"Some finalizers are remaining: {string.Join(", ", finalizers)}");
        return Kinds.Select(k => failing.GetValueOrDefault(k.Type) ?? new Condition(k.Type, "False", k.OkReason, k.OkMessage)).ToList();
    }

    /// <summary>Writes the conditions into status.conditions; lastTransitionTime changes only when status does. True if anything changed.</summary>
    public static bool Apply(JsonObject ns, IReadOnlyList<Condition> conditions, DateTime now)
    {
        var status = ns["status"] as JsonObject ?? (JsonObject)(ns["status"] = new JsonObject());
        var list = status["conditions"] as JsonArray ?? (JsonArray)(status["conditions"] = new JsonArray());
        var changed = false;
        var stamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        foreach (var c in conditions)
        {
            var existing = list.OfType<JsonObject>().FirstOrDefault(o => o["type"]?.GetValue<string>() == c.Type);
            if (existing is null)
            {
                list.Add((JsonNode)new JsonObject { ["type"] = c.Type, ["status"] = c.Status, ["lastTransitionTime"] = stamp, ["reason"] = c.Reason, ["message"] = c.Message });
                changed = true;
                continue;
            }
            if (existing["status"]?.GetValue<string>() == c.Status && existing["reason"]?.GetValue<string>() == c.Reason
                && existing["message"]?.GetValue<string>() == c.Message)
                continue;
            if (existing["status"]?.GetValue<string>() != c.Status) existing["lastTransitionTime"] = stamp;
            existing["status"] = c.Status;
            existing["reason"] = c.Reason;
            existing["message"] = c.Message;
            changed = true;
        }
        return changed;
    }
}
