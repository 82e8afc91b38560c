using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printDeployment: READY "ready/desired", UP-TO-DATE, AVAILABLE.</summary>
internal sealed class DeploymentPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Ready", "Number of the pod with ready state"),
        Printing.Columns.Int("Up-to-date", "Total number of non-terminating pods targeted by this deployment that have the desired template spec."),
        Printing.Columns.Int("Available", "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
        Printing.Columns.Age,
        Printing.Columns.Containers,
        Printing.Columns.Images,
        Printing.Columns.Str("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.", 1),
    ];

    public object?[] Cells(JsonObject d, DateTimeOffset now)
    {
        var (names, images) = ObjectMetaRead.ContainerCells(At(d, "spec", "template", "spec"));
        return
        [
            ObjectMetaRead.Name(d),
            $"{Long(d, "status", "readyReplicas")}/{Replicas.Desired(d)}",
            Long(d, "status", "updatedReplicas"),
            Long(d, "status", "availableReplicas"),
            ObjectMetaRead.Age(d, now),
            names, images,
            LabelFormat.SelectorString(Obj(d, "spec", "selector")) ?? "<error>",
        ];
    }
}

/// <summary>spec.replicas as the internal type sees it: defaulted to 1 when unset.</summary>
internal static class Replicas
{
    public static long Desired(JsonObject workload) => LongOrNull(workload, "spec", "replicas") ?? 1;
}
