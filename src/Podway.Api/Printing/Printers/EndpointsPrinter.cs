using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printEndpoints/formatEndpoints: "ip:port,..." up to 3, then " + N more...".</summary>
internal sealed class EndpointsPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Endpoints", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service."),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject ep, DateTimeOffset now) =>
        [ObjectMetaRead.Name(ep), Format(ep), ObjectMetaRead.Age(ep, now)];

    const int Max = 3;

    static string Format(JsonObject ep)
    {
        var subsets = Objects(ep, "subsets").ToList();
        if (subsets.Count == 0) return "<none>";
        var list = new List<string>();
        bool more = false;
        int count = 0;
        foreach (var subset in subsets)
        {
            foreach (var port in Objects(subset, "ports"))
            {
                foreach (var address in Objects(subset, "addresses"))
                {
                    if (list.Count == Max) more = true;
                    if (!more) list.Add(JoinHostPort(Str(address, "ip"), Long(port, "port")));
                    count++;
                }
            }
        }
        var joined = string.Join(",", list);
        return more ? $"{joined} + {count - Max} more..." : joined;
    }

    // net.JoinHostPort brackets IPv6 literals.
    internal static string JoinHostPort(string host, long port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
