using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Patching;

/// <summary>Which part of an object a write owns: kube's stripMeta fields are never tracked, and the status
/// subresource owns only status while the main resource does not own status.</summary>
internal sealed record TrackedScope(ResourceType Type, string Subresource)
{
    public bool Excludes(int level, string key) => level switch
    {
        0 => key is "apiVersion" or "kind" || (Subresource == "status" ? key != "status" : key == "status" && Type.HasStatus),
        1 => key is "name" or "namespace" or "uid" or "resourceVersion" or "generation" or "creationTimestamp"
            or "selfLink" or "managedFields" or "deletionTimestamp" or "deletionGracePeriodSeconds",
        _ => false,
    };
}

/// <summary>
/// Walks objects by the merge schema to name their fields as structured-merge-diff does: struct and map fields
/// as "f:name", keyed list elements as "k:{key fields}", set elements as "v:value"; atomic values are leaves.
/// Nothing is copied: the walkers only read.
/// </summary>
internal static class FieldPaths
{
    public static bool IsSet(FieldSchema? f) => f is { MergeList: true, MergeKey: null };

    /// <summary>A value owned whole: scalars, null, atomic structs, atomic lists.</summary>
    public static bool IsLeaf(JsonNode? value, FieldSchema? field) => value switch
    {
        JsonObject => field?.Atomic == true,
        JsonArray => !(field?.MergeList ?? false),
        _ => true,
    };

    /// <summary>The path element of a list element, or null when it cannot be keyed.</summary>
    public static string? ElementName(JsonNode? element, FieldSchema field)
    {
        if (IsSet(field))
            return "v:" + (element?.ToJsonString() ?? "null");
        if (element is not JsonObject map)
            return null;
        var parts = new List<string>(field.ListMapKeys.Length);
        foreach (var name in field.ListMapKeys.Order(StringComparer.Ordinal))
        {
            if (map.TryGetPropertyValue(name, out var v) && v is not null)
                parts.Add($"{JsonValue.Create(name).ToJsonString()}:{v.ToJsonString()}");
            else if (field.KeyDefaults?.GetValueOrDefault(name) is { } d)
                parts.Add($"{JsonValue.Create(name).ToJsonString()}:{JsonValue.Create(d).ToJsonString()}");
        }
        return parts.Count == 0 ? null : "k:{" + string.Join(",", parts) + "}";
    }

    public readonly record struct Child(string Name, JsonNode? Value, FieldSchema? Field, StructSchema? Struct, bool ListItem, int Level);

    /// <summary>The named children of a container value (level 0 is the object, 1 its metadata).</summary>
    public static IEnumerable<Child> Children(JsonNode value, FieldSchema? field, StructSchema? schema, TrackedScope scope, int level)
    {
        if (value is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                if (scope.Excludes(level, k)) continue;
                var f = schema?.Field(k);
                yield return new("f:" + k, v, f, f?.Child, false, level == 0 && k == "metadata" ? 1 : -1);
            }
        }
        else if (value is JsonArray a && field is not null)
        {
            foreach (var item in a)
                if (ElementName(item, field) is { } name)
                    yield return new(name, item, null, field.Child, true, -1);
        }
    }

    /// <summary>structured-merge-diff's ToFieldSet: the fields an applied configuration sets.</summary>
    public static FieldSet Of(JsonObject obj, StructSchema schema, TrackedScope scope)
    {
        var set = new FieldSet();
        Collect(obj, null, schema, set, false, 0, scope);
        return set;

        static void Collect(JsonNode? value, FieldSchema? field, StructSchema? schema, FieldSet node, bool listItem, int level, TrackedScope scope)
        {
            if (IsLeaf(value, field)) { node.Member = true; return; }
            if (listItem || value is JsonObject { Count: 0 }) node.Member = true;
            foreach (var c in Children(value!, field, schema, scope, level))
                Collect(c.Value, c.Field, c.Struct, node.Child(c.Name), c.ListItem, c.Level, scope);
        }
    }

    /// <summary>What going from <paramref name="before"/> to <paramref name="after"/> adds or changes (a newly added
    /// container counts itself, as kube's Compare reports it) and removes. With <paramref name="onlyAfter"/> the
    /// fields missing from <paramref name="after"/> are not looked at (an applied configuration is partial).</summary>
    public static (FieldSet Changed, FieldSet Removed) Compare(JsonObject? before, JsonObject after, StructSchema schema, TrackedScope scope, bool onlyAfter)
    {
        var changed = new FieldSet();
        var removed = new FieldSet();
        Diff(before ?? [], true, after, null, schema, changed, removed, onlyAfter, false, "", 0, scope);
        return (changed, removed);
    }

    // Objects kube's typed zero value always has, so creating them is not "adding" them.
    static bool AlwaysPresent(string name) => name is "" or "f:metadata" or "f:spec" or "f:status" or "f:template" or "f:strategy" or "f:updateStrategy";

    static void Diff(JsonNode? before, bool hadBefore, JsonNode? after, FieldSchema? field, StructSchema? schema,
        FieldSet changed, FieldSet removed, bool onlyAfter, bool listItem, string name, int level, TrackedScope scope)
    {
        if (!hadBefore)
        {
            Added(after, field, schema, changed, listItem, name, level, scope);
            return;
        }
        if (IsLeaf(after, field) || IsLeaf(before, field) || before!.GetValueKind() != after!.GetValueKind())
        {
            if (!JsonNode.DeepEquals(before, after)) changed.Member = true;
            return;
        }
        var beforeChildren = new Dictionary<string, Child>();
        foreach (var c in Children(before, field, schema, scope, level))
            beforeChildren.TryAdd(c.Name, c);
        var seen = new HashSet<string>();
        foreach (var c in Children(after, field, schema, scope, level))
        {
            seen.Add(c.Name);
            var had = beforeChildren.TryGetValue(c.Name, out var b);
            Diff(b.Value, had, c.Value, c.Field, c.Struct, changed.Child(c.Name), removed.Child(c.Name), onlyAfter, c.ListItem, c.Name, c.Level, scope);
        }
        if (onlyAfter) return;
        foreach (var (n, c) in beforeChildren)
            if (!seen.Contains(n))
                Subtree(c.Value, c.Field, c.Struct, removed.Child(n), c.Level, scope);
    }

    static void Added(JsonNode? value, FieldSchema? field, StructSchema? schema, FieldSet node, bool listItem, string name, int level, TrackedScope scope)
    {
        if (IsLeaf(value, field)) { node.Member = true; return; }
        if (listItem || !AlwaysPresent(name) || value is JsonObject { Count: 0 }) node.Member = true;
        foreach (var c in Children(value!, field, schema, scope, level))
            Added(c.Value, c.Field, c.Struct, node.Child(c.Name), c.ListItem, c.Name, c.Level, scope);
    }

    static void Subtree(JsonNode? value, FieldSchema? field, StructSchema? schema, FieldSet node, int level, TrackedScope scope)
    {
        node.Member = true;
        if (IsLeaf(value, field)) return;
        foreach (var c in Children(value!, field, schema, scope, level))
            Subtree(c.Value, c.Field, c.Struct, node.Child(c.Name), c.Level, scope);
    }
}
