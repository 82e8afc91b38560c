using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printStatefulSet: READY "ready/desired".</summary>
internal sealed class StatefulSetPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Ready", "Number of the pod with ready state"),
        Printing.Columns.Age,
        Printing.Columns.Containers,
        Printing.Columns.Images,
    ];

    public object?[] Cells(JsonObject sts, DateTimeOffset now)
    {
        var (names, images) = ObjectMetaRead.ContainerCells(At(sts, "spec", "template", "spec"));
        return
        [
            ObjectMetaRead.Name(sts),
            $"{Long(sts, "status", "readyReplicas")}/{Replicas.Desired(sts)}",
            ObjectMetaRead.Age(sts, now),
            names, images,
        ];
    }
}
