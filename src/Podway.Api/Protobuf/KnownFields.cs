using System.Text.Json.Nodes;

namespace Podway.Api.Protobuf;

/// <summary>
/// Strict field validation from the same k8s.io/api type tables the protobuf decoder uses: the paths of JSON
/// fields the Go types do not have, worded as kube-apiserver's strict decoder ("spec.template.spec.containers[0].imagee").
/// </summary>
public static class KnownFields
{
    /// <summary>Unknown field paths, or null when the kind has no table (the caller falls back to a shallower check).</summary>
    public static IReadOnlyList<string>? Unknown(string apiVersion, string kind, JsonObject obj)
    {
        if (SchemaRegistry.ForKind(apiVersion, kind) is not { } message) return null;
        var unknown = new List<string>();
        Walk(message, obj, "", (path, _, _) => unknown.Add(path), topLevel: true);
        return unknown;
    }

    /// <summary>
    /// Removes every field the Go types do not have, at any depth, as decoding into the typed object drops them (kube never
    /// stores them); false when the kind has no table.
    /// </summary>
    public static bool Prune(string apiVersion, string kind, JsonObject obj)
    {
        if (SchemaRegistry.ForKind(apiVersion, kind) is not { } message) return false;
        var found = new List<(JsonObject Parent, string Key)>();
        Walk(message, obj, "", (_, parent, key) => found.Add((parent, key)), topLevel: true);
        foreach (var (parent, key) in found) parent.Remove(key);
        return true;
    }

    static void Walk(MessageDef message, JsonObject obj, string path, Action<string, JsonObject, string> unknown, bool topLevel)
    {
        foreach (var (key, value) in obj)
        {
            // "$patch", "$setElementOrder/x", ... are strategic-merge directives, not fields; TypeMeta is not in the tables.
            if (key.StartsWith('$') || (topLevel && key is "apiVersion" or "kind")) continue;
            var fieldPath = path.Length == 0 ? key : $"{path}.{key}";
            if (Find(message, key) is not { } field)
            {
                unknown(fieldPath, obj, key);
                continue;
            }
            if (value is null || field.Message is not { } child || WellKnownTypes.IsWellKnown(child)) continue;
            var childMessage = SchemaRegistry.Messages[child];
            if (field.Kind == FieldKind.MapMessage && value is JsonObject map)
            {
                foreach (var (entryKey, entry) in map)
                    if (entry is JsonObject entryObj) Walk(childMessage, entryObj, $"{fieldPath}[{entryKey}]", unknown, false);
            }
            else if (field.Repeated && value is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++)
                    if (items[i] is JsonObject item) Walk(childMessage, item, $"{fieldPath}[{i}]", unknown, false);
            }
            else if (value is JsonObject nested)
            {
                Walk(childMessage, nested, fieldPath, unknown, false);
            }
        }
    }

    /// <summary>A field by JSON name, looking through inlined (embedded) structs as encoding/json does.</summary>
    static FieldDef? Find(MessageDef message, string json)
    {
        foreach (var field in message.Fields)
        {
            if (field.Inline && field.Message != null && Find(SchemaRegistry.Messages[field.Message], json) is { } inner) return inner;
            if (!field.Inline && field.Json == json) return field;
        }
        return null;
    }
}
