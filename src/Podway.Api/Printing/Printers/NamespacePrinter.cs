using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printNamespace: STATUS is status.phase.</summary>
internal sealed class NamespacePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Status", "The status of the namespace"),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject ns, DateTimeOffset now) =>
        [ObjectMetaRead.Name(ns), Str(ns, "status", "phase"), ObjectMetaRead.Age(ns, now)];
}
