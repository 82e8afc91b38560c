using System.Text.Json.Nodes;
using Podway.Api.Printing;
using Podway.Api.Resources;

namespace Podway.Api.Tests.Printing;

/// <summary>Objects are written as JSON, as kubectl would send them; "now" is fixed so AGE is deterministic.</summary>
internal static class PrinterTestKit
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2025-06-01T12:00:00Z");

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Cells keyed by column name, so tests read like `kubectl get -o wide` output.</summary>
    public static Dictionary<string, object?> Row(ResourceType type, string json)
    {
        var printer = TablePrinters.For(type);
        var cells = printer.Cells(Obj(json), Now);
        Assert.Equal(printer.Columns.Count, cells.Length);
        return printer.Columns.Select((c, i) => (c.Name, cells[i])).ToDictionary(x => x.Name, x => x.Item2);
    }
}
