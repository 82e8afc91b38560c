using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Api.Patching;

/// <summary>
/// Server-side apply (application/apply-patch+yaml), as structured-merge-diff's Updater.Apply: merge the applied
/// configuration into the live object by the kind's schema, drop what this manager applied before and omits
/// now (unless another manager owns it), refuse to change another manager's fields without force, and record the
/// applied fields as the manager's "Apply" entry in metadata.managedFields.
/// </summary>
public static class ServerSideApply
{
    /// <summary>
    /// Applies <paramref name="applied"/> over <paramref name="live"/> (null when the object does not exist yet) and
    /// returns the result. Both arguments are consumed: live is changed in place and applied values move into it.
    /// </summary>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, string fieldManager, bool force, ResourceType type,
        DateTimeOffset? now = null, string subresource = "")
    {
        var schema = PatchSchemas.For(type);
        var scope = new TrackedScope(type, subresource);
        var apiVersion = (string?)applied["apiVersion"] ?? type.ApiVersion;
        live ??= [];
        var entries = ManagedFieldsEntry.Read(live);
        var mine = entries.Find(e => e.SameManager(fieldManager, "Apply", apiVersion, subresource));
        var others = entries.Where(e => e != mine).ToList();

        var appliedSet = FieldPaths.Of(applied, schema, scope);
        var (changed, _) = FieldPaths.Compare(live, applied, schema, scope, onlyAfter: true);

        var conflicts = others
            .Select(e => (Entry: e, Paths: e.Fields.Intersection(changed)))
            .Where(c => !c.Paths.IsEmpty)
            .ToList();
        if (conflicts.Count > 0 && !force)
            throw ConflictError(conflicts);
        foreach (var (entry, paths) in conflicts)
            entry.Fields = entry.Fields.Difference(paths);

        var ownedByOthers = others.Aggregate(new FieldSet(), (set, e) => set.Union(e.Fields));
        var dropped = mine is null ? new FieldSet() : mine.Fields.Difference(appliedSet);
        var objectChanged = !changed.IsEmpty;
        foreach (var path in dropped.Paths().ToList())
            if (!ownedByOthers.ContainsPrefix(path) && !appliedSet.ContainsPrefix(path))
                objectChanged |= Remove(live, path, schema);

        Merge(live, applied, schema);

        var setChanged = mine is null || !mine.Fields.Difference(appliedSet).IsEmpty || !appliedSet.Difference(mine.Fields).IsEmpty;
        if (mine is null)
            entries.Add(mine = new ManagedFieldsEntry { Manager = fieldManager, Operation = "Apply", Subresource = subresource });
        mine.Fields = appliedSet;
        mine.ApiVersion = apiVersion;
        if (objectChanged || setChanged || mine.Time is null)
            mine.Time = ManagedFieldsEntry.FormatTime(now ?? DateTimeOffset.UtcNow);
        ManagedFieldsEntry.Write(live, entries);
        return live;
    }

    /// <summary>409 as kube's NewConflictError words it.</summary>
    static ApiException ConflictError(List<(ManagedFieldsEntry Entry, FieldSet Paths)> conflicts)
    {
        var all = conflicts.SelectMany(c => c.Paths.Paths().Select(p => (Manager: Describe(c.Entry), Path: FieldSet.Format(p)))).ToList();
        var causes = new JsonArray();
        foreach (var (manager, path) in all)
            causes.Add((JsonNode)new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with {manager}", ["field"] = path });
        string message;
        if (all.Count == 1)
            message = $"Apply failed with 1 conflict: conflict with {all[0].Manager}: {all[0].Path}";
        else
        {
            var lines = all.GroupBy(c => c.Manager).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => new[] { $"conflicts with {g.Key}:" }.Concat(g.Select(c => $"- {c.Path}")));
            message = $"Apply failed with {all.Count} conflicts: {string.Join("\n", lines)}";
        }
        return new ApiException(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }

    /// <summary>kube's printManager: "name" [with subresource "s"] [using apiVersion at time] for updaters.</summary>
    static string Describe(ManagedFieldsEntry e)
    {
        var text = Quote(e.Manager);
        if (e.Subresource.Length > 0)
            text += $" with subresource {Quote(e.Subresource)}";
        if (e.Operation == "Update")
            text += e.Time is null ? $" using {e.ApiVersion}" : $" using {e.ApiVersion} at {e.Time}";
        return text;
    }

    static string Quote(string s) => JsonValue.Create(s).ToJsonString();

    /// <summary>Merges by the schema: objects key by key, keyed lists by key, sets by value, the rest replaced.</summary>
    static void Merge(JsonObject live, JsonObject applied, StructSchema? schema)
    {
        var entries = applied.ToArray();
        applied.Clear();
        foreach (var (key, value) in entries)
        {
            var field = schema?.Field(key);
            if (!live.TryGetPropertyValue(key, out var current) || current is null || value is null)
            {
                live[key] = value;
                continue;
            }
            switch (current, value)
            {
                case (JsonObject c, JsonObject v) when field?.Atomic != true:
                    Merge(c, v, field?.Child);
                    break;
                case (JsonArray c, JsonArray v) when field?.MergeList == true:
                    MergeList(c, v, field);
                    break;
                default:
                    live[key] = value;
                    break;
            }
        }
    }

    static void MergeList(JsonArray live, JsonArray applied, FieldSchema field)
    {
        var items = applied.ToList();
        applied.Clear();
        var index = new Dictionary<string, JsonNode?>();
        foreach (var item in live)
            if (FieldPaths.ElementName(item, field) is { } name)
                index.TryAdd(name, item);
        foreach (var item in items)
        {
            var name = FieldPaths.ElementName(item, field);
            if (name is not null && index.TryGetValue(name, out var existing))
            {
                if (existing is JsonObject e && item is JsonObject i)
                    Merge(e, i, field.Child);
                continue;
            }
            live.Add(item);
            if (name is not null) index[name] = item;
        }
    }

    /// <summary>Removes the field at a path; true when something was there.</summary>
    static bool Remove(JsonObject root, List<string> path, StructSchema schema)
    {
        JsonNode? node = root;
        FieldSchema? field = null;
        StructSchema? structSchema = schema;
        for (var i = 0; i < path.Count; i++)
        {
            var element = path[i];
            var last = i == path.Count - 1;
            if (element.StartsWith("f:", StringComparison.Ordinal) && node is JsonObject o)
            {
                var name = element[2..];
                if (last) return o.Remove(name);
                field = structSchema?.Field(name);
                structSchema = field?.Child;
                node = o[name];
            }
            else if (node is JsonArray a && field is not null)
            {
                var match = a.FirstOrDefault(item => FieldPaths.ElementName(item, field) == element);
                if (match is null) return false;
                if (last) return a.Remove(match);
                node = match;
                field = null;
            }
            else
                return false;
        }
        return false;
    }
}
