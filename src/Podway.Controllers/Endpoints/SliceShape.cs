using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Endpoints;

/// <summary>Readings and comparisons of EndpointSlices that both slice controllers share.</summary>
internal static class SliceShape
{
    /// <summary>endpointsliceutil.NewPortMapKey: the same set of ports, in any order, gives the same key.</summary>
    public static string PortKey(JsonArray? ports) =>
        string.Join(";", (ports ?? []).OfType<JsonObject>()
            .Select(p => $"{p.Str("name")}/{p["port"]?.ToJsonString()}/{p.Str("protocol") ?? "TCP"}/{p.Str("appProtocol")}")
            .Order(StringComparer.Ordinal));

    public static IReadOnlyList<JsonObject> Endpoints(JsonObject slice) => slice.Arr("endpoints")?.OfType<JsonObject>().ToList() ?? [];

    public static bool ManagedBy(JsonObject slice, string controllerName) => slice.Labels().Str(EndpointNames.ManagedByLabel) == controllerName;

    /// <summary>ownedBy: an owner reference to exactly this object (by uid, kind and apiVersion).</summary>
    public static bool OwnedBy(JsonObject slice, JsonObject owner, string kind) =>
        (slice.Obj("metadata")?.Arr("ownerReferences") ?? []).OfType<JsonObject>()
            .Any(r => r.Str("uid") == owner.Uid() && r.Str("kind") == kind && r.Str("apiVersion") == "v1");

    public static bool IsBeingDeleted(JsonObject slice) => slice.Obj("metadata").Str("deletionTimestamp") is not null;

    public static JsonObject ControllerRef(JsonObject owner, string kind) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = kind,
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>Two label maps hold the same pairs (a missing map equals an empty one, as apiequality.Semantic has it).</summary>
    public static bool SameLabels(JsonObject? a, JsonObject? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? []).All(p => b?[p.Key] is JsonValue v && v.GetValue<string>() == p.Value?.GetValue<string>());

    public static JsonObject Without(JsonObject? map, params string[] keys)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in map ?? [])
            if (!keys.Contains(k)) copy[k] = v?.DeepClone();
        return copy;
    }
}
