using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Patching;

/// <summary>
/// Keeps metadata.managedFields for ordinary writes (create, update, patch) as kube's field manager does: the
/// writer's "Update" entry gains every field it added or changed, and those fields (and removed ones) leave the
/// other managers' entries.
/// </summary>
public static class ManagedFields
{
    /// <summary>
    /// Records <paramref name="manager"/>'s write of <paramref name="updated"/> over <paramref name="old"/> (null on
    /// create) into updated's metadata.managedFields. <paramref name="subresource"/> is "status" for status writes.
    /// </summary>
    public static void RecordUpdate(JsonObject updated, JsonObject? old, string manager, string operation, string apiVersion,
        DateTimeOffset now, ResourceType type, string subresource = "")
    {
        var entries = ManagedFieldsEntry.Read(old);
        var scope = new TrackedScope(type, subresource);
        var (changed, removed) = FieldPaths.Compare(old, updated, PatchSchemas.For(type), scope, onlyAfter: false);
        var taken = changed.Union(removed);
        foreach (var e in entries)
            if (!e.Fields.Intersection(taken).IsEmpty)
                e.Fields = e.Fields.Difference(taken);

        var mine = entries.Find(e => e.SameManager(manager, operation, apiVersion, subresource));
        if (!changed.IsEmpty)
        {
            if (mine is null)
                entries.Add(mine = new ManagedFieldsEntry { Manager = manager, Operation = operation, ApiVersion = apiVersion, Subresource = subresource });
            mine.Fields = mine.Fields.Union(changed);
            mine.Time = ManagedFieldsEntry.FormatTime(now);
        }
        ManagedFieldsEntry.Write(updated, entries);
    }

    /// <summary>The manager name kube uses when the request has no ?fieldManager: the user agent up to the first
    /// "/" ("kubectl-client-side-apply/v1.32.4 (linux/amd64) ..." gives "kubectl-client-side-apply").</summary>
    public static string ManagerFor(string? fieldManager, string? userAgent) =>
        !string.IsNullOrEmpty(fieldManager) ? fieldManager : (userAgent ?? "").Split('/')[0];
}
