using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Api.Printing.Printers;

/// <summary>One CRD additionalPrinterColumn.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority = 0, string Description = "", string Format = "");

/// <summary>
/// The apiextensions-apiserver table convertor: NAME, then each additionalPrinterColumn. Like kube it
/// takes only the first JSONPath match, prints non-scalars as compact JSON in string columns, and
/// renders "date" columns as a HumanDuration.
/// </summary>
internal sealed class CustomColumnsPrinter(IReadOnlyList<PrinterColumn> columns) : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
        [Printing.Columns.Name, .. columns.Select(c => new TableColumn(c.Name, c.Type, c.Format, c.Description, c.Priority))];

    public object?[] Cells(JsonObject obj, DateTimeOffset now)
    {
        var cells = new List<object?> { ObjectMetaRead.Name(obj) };
        foreach (var column in columns)
        {
            var results = SimpleJsonPath.Find(obj, column.JsonPath);
            cells.Add(results.Count == 0 ? null : Cell(column.Type, results[0], now));
        }
        return [.. cells];
    }

    static object? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null) return null;
        var kind = value.GetValueKind();
        switch (type)
        {
            case "string":
                return kind switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.Object or JsonValueKind.Array => value.ToJsonString(),
                    _ => value.ToJsonString(),
                };
            case "date":
                if (kind != JsonValueKind.String) return null;
                return DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? HumanDuration.Since(t, now) : "<invalid>";
            case "integer":
                return kind == JsonValueKind.Number ? (long)Number(value) : null;
            case "number":
                return kind == JsonValueKind.Number ? Number(value) : null;
            case "boolean":
                return kind is JsonValueKind.True or JsonValueKind.False ? kind == JsonValueKind.True : null;
            default:
                return null;
        }
    }

    static double Number(JsonNode value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
}
