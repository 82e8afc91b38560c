using System.Text.Json.Nodes;

namespace Podway.Api.Printing;

/// <summary>A column of a meta.k8s.io/v1 Table; priority 1 columns show only with -o wide.</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0);

/// <summary>Server-side printing for one resource, matching kube-apiserver's printers.go column for column.</summary>
public interface ITablePrinter
{
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>One cell per column: string, long, bool or null.</summary>
    object?[] Cells(JsonObject obj, DateTimeOffset now);

    /// <summary>Row conditions (meta.k8s.io TableRowCondition); only pods set them, when they completed.</summary>
    JsonArray? Conditions(JsonObject obj) => null;
}
