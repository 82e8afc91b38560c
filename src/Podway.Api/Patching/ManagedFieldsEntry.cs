using System.Globalization;
using System.Text.Json.Nodes;

namespace Podway.Api.Patching;

/// <summary>One metadata.managedFields entry: who owns which fields, through which operation.</summary>
internal sealed class ManagedFieldsEntry
{
    public required string Manager { get; init; }
    public required string Operation { get; init; }
    public string ApiVersion { get; set; } = "";
    public string? Time { get; set; }
    public string Subresource { get; init; } = "";
    public FieldSet Fields { get; set; } = new();

    /// <summary>kube's BuildManagerIdentifier: an applier is one entry whatever its apiVersion; an updater is one per apiVersion.</summary>
    public bool SameManager(string manager, string operation, string apiVersion, string subresource) =>
        Manager == manager && Operation == operation && Subresource == subresource && (operation == "Apply" || ApiVersion == apiVersion);

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static List<ManagedFieldsEntry> Read(JsonObject? obj)
    {
        var result = new List<ManagedFieldsEntry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray entries)
            return result;
        foreach (var e in entries.OfType<JsonObject>())
        {
            result.Add(new ManagedFieldsEntry
            {
                Manager = (string?)e["manager"] ?? "",
                Operation = (string?)e["operation"] ?? "",
                ApiVersion = (string?)e["apiVersion"] ?? "",
                Time = (string?)e["time"],
                Subresource = (string?)e["subresource"] ?? "",
                Fields = FieldSet.FromFieldsV1(e["fieldsV1"] as JsonObject),
            });
        }
        return result;
    }

    /// <summary>Writes the entries in kube's order (Apply before Update, then by time, manager, apiVersion,
    /// subresource), dropping empty ones; no entries removes the field.</summary>
    public static void Write(JsonObject obj, List<ManagedFieldsEntry> entries)
    {
        var kept = entries.Where(e => !e.Fields.IsEmpty)
            .OrderBy(e => e.Operation, StringComparer.Ordinal)
            .ThenBy(e => e.Time ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Subresource, StringComparer.Ordinal)
            .ToList();
        if (obj["metadata"] is not JsonObject meta)
        {
            if (kept.Count == 0) return;
            obj["metadata"] = meta = new JsonObject();
        }
        if (kept.Count == 0)
        {
            meta.Remove("managedFields");
            return;
        }
        var array = new JsonArray();
        foreach (var e in kept)
        {
            var json = new JsonObject { ["manager"] = e.Manager, ["operation"] = e.Operation, ["apiVersion"] = e.ApiVersion };
            if (e.Time is not null) json["time"] = e.Time;
            json["fieldsType"] = "FieldsV1";
            json["fieldsV1"] = e.Fields.ToFieldsV1();
            if (e.Subresource.Length > 0) json["subresource"] = e.Subresource;
            array.Add((JsonNode)json);
        }
        meta["managedFields"] = array;
    }
}
