using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printNetworkPolicy: POD-SELECTOR via metav1.FormatLabelSelector.</summary>
internal sealed class NetworkPolicyPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Pod-Selector", "podSelector selects the pods to which this NetworkPolicy object applies. The array of rules is applied to any pods selected by this field. An empty selector matches all pods in this namespace."),
        Printing.Columns.Age,
    ];

    // spec.podSelector is a struct, not a pointer: absent reads as the empty selector.
    public object?[] Cells(JsonObject np, DateTimeOffset now) =>
        [ObjectMetaRead.Name(np), LabelFormat.FormatLabelSelector(Obj(np, "spec", "podSelector") ?? []), ObjectMetaRead.Age(np, now)];
}
