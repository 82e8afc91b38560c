using System.Text.Json.Nodes;
using Podway.Api.Resources;

namespace Podway.Api.Printing;

/// <summary>
/// Builds the meta.k8s.io/v1 Table kube-apiserver answers to "Accept: application/json;as=Table;v=v1;g=meta.k8s.io".
/// Every column is sent (the server prints wide); kubectl hides priority 1 columns itself.
/// </summary>
public static class TableBuilder
{
    /// <param name="includeHeaders">False for watch events after the first (apiserver NoHeaders): columnDefinitions is null.</param>
    /// <param name="includeFullObject">includeObject=Object: the row carries the whole object, else PartialObjectMetadata.</param>
    public static JsonObject Build(ResourceType type, IEnumerable<JsonObject> objects, DateTimeOffset now, bool includeHeaders,
        bool includeFullObject, string resourceVersion, string? continueToken)
    {
        var printer = TablePrinters.For(type);
        var rows = new JsonArray();
        foreach (var obj in objects) rows.Add((JsonNode)Row(type, printer, obj, now, includeFullObject));

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (!string.IsNullOrEmpty(continueToken)) metadata["continue"] = continueToken;

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = includeHeaders ? ColumnDefinitions(printer) : null,
            ["rows"] = rows,
        };
    }

    static JsonArray ColumnDefinitions(ITablePrinter printer) => new(printer.Columns.Select(c => (JsonNode)new JsonObject
    {
        ["name"] = c.Name,
        ["type"] = c.Type,
        ["format"] = c.Format,
        ["description"] = c.Description,
        ["priority"] = c.Priority,
    }).ToArray());

    static JsonObject Row(ResourceType type, ITablePrinter printer, JsonObject obj, DateTimeOffset now, bool includeFullObject)
    {
        var row = new JsonObject { ["cells"] = new JsonArray(printer.Cells(obj, now).Select(Cell).ToArray()) };
        if (printer.Conditions(obj) is { } conditions) row["conditions"] = conditions;
        row["object"] = includeFullObject ? FullObject(type, obj) : PartialObjectMetadata(obj);
        return row;
    }

    static JsonNode? Cell(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create((long)i),
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        _ => throw new InvalidOperationException($"unsupported table cell type {value.GetType()}"),
    };

    /// <summary>meta.AsPartialObjectMetadata: the whole ObjectMeta under kind PartialObjectMetadata.</summary>
    static JsonObject PartialObjectMetadata(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
    };

    // List items may lack kind/apiVersion; an embedded object always carries its GVK.
    static JsonObject FullObject(ResourceType type, JsonObject obj)
    {
        var clone = (JsonObject)obj.DeepClone();
        if (clone["kind"] is null) clone.Insert(0, "kind", type.Kind);
        if (clone["apiVersion"] is null) clone.Insert(1, "apiVersion", type.ApiVersion);
        return clone;
    }
}
