using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printReplicaSet: DESIRED, CURRENT, READY as integers.</summary>
internal sealed class ReplicaSetPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Int("Desired", "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
        Printing.Columns.Int("Current", "Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"),
        Printing.Columns.Int("Ready", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."),
        Printing.Columns.Age,
        Printing.Columns.Containers,
        Printing.Columns.Images,
        Printing.Columns.Str("Selector", "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
    ];

    public object?[] Cells(JsonObject rs, DateTimeOffset now)
    {
        var (names, images) = ObjectMetaRead.ContainerCells(At(rs, "spec", "template", "spec"));
        return
        [
            ObjectMetaRead.Name(rs),
            Replicas.Desired(rs),
            Long(rs, "status", "replicas"),
            Long(rs, "status", "readyReplicas"),
            ObjectMetaRead.Age(rs, now),
            names, images,
            LabelFormat.FormatLabelSelector(Obj(rs, "spec", "selector")),
        ];
    }
}
