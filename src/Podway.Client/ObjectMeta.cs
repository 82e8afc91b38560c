using System.Text.Json.Nodes;

namespace Podway.Client;

/// <summary>Reads of metadata fields off an unstructured object.</summary>
public static class ObjectMeta
{
    public static string Name(JsonObject obj) => Str(obj, "name") ?? "";
    public static string Namespace(JsonObject obj) => Str(obj, "namespace") ?? "";
    public static string Uid(JsonObject obj) => Str(obj, "uid") ?? "";
    public static string? ResourceVersion(JsonObject obj) => Str(obj, "resourceVersion");
    public static bool IsBeingDeleted(JsonObject obj) => Str(obj, "deletionTimestamp") is not null;

    /// <summary>"namespace/name", or "name" for a cluster-scoped object: client-go's MetaNamespaceKeyFunc.</summary>
    public static string Key(JsonObject obj) => Key(Namespace(obj), Name(obj));

    public static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a ? a.Select(f => f?.GetValue<string>() ?? "").ToList() : [];

    public static IReadOnlyList<JsonObject> OwnerReferences(JsonObject obj) =>
        obj["metadata"]?["ownerReferences"] is JsonArray a ? a.OfType<JsonObject>().ToList() : [];

    static string? Str(JsonObject obj, string field) => obj["metadata"]?[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
