using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printEndpointSlice: ADDRESSTYPE, PORTS and ENDPOINTS (3 shown, "&lt;unset&gt;" when empty).</summary>
internal sealed class EndpointSlicePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("AddressType", "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation."),
        Printing.Columns.Str("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name."),
        Printing.Columns.Str("Endpoints", "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints."),
        Printing.Columns.Age,
    ];

    const int Max = 3;

    public object?[] Cells(JsonObject slice, DateTimeOffset now)
    {
        var ports = Objects(slice, "ports").Select(p =>
            LongOrNull(p, "port") is { } n ? n.ToString() : StrOrNull(p, "name") ?? "*");
        var addresses = Objects(slice, "endpoints").SelectMany(e => Arr(e, "addresses").Select(a => Str(a)));
        return [ObjectMetaRead.Name(slice), Str(slice, "addressType"), WithMore(ports), WithMore(addresses), ObjectMetaRead.Age(slice, now)];
    }

    /// <summary>listWithMoreString.</summary>
    static string WithMore(IEnumerable<string> items)
    {
        var all = items.ToList();
        if (all.Count > Max) return $"{string.Join(",", all.Take(Max))} + {all.Count - Max} more...";
        return all.Count == 0 ? "<unset>" : string.Join(",", all);
    }
}
