using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printIngressClass: CONTROLLER and PARAMETERS ("Kind.apiGroup/name").</summary>
internal sealed class IngressClassPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Controller", "Controller that is in charge of handling this class"),
        Printing.Columns.Str("Parameters", "A reference to a resource with additional parameters"),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject ic, DateTimeOffset now)
    {
        var parameters = "<none>";
        if (Obj(ic, "spec", "parameters") is { } p)
        {
            parameters = Str(p, "kind");
            if (StrOrNull(p, "apiGroup") is { } group) parameters += "." + group;
            parameters += "/" + Str(p, "name");
        }
        return [ObjectMetaRead.Name(ic), Str(ic, "spec", "controller"), parameters, ObjectMetaRead.Age(ic, now)];
    }
}
