using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printIngress: CLASS, HOSTS ("*" when none), ADDRESS, PORTS ("80" or "80, 443").</summary>
internal sealed class IngressPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Class", "The name of the IngressClass resource that should be used for this Ingress"),
        Printing.Columns.Str("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
        Printing.Columns.Str("Address", "Address is a list containing ingress points for the load-balancer"),
        Printing.Columns.Str("Ports", "Ports of TLS configurations that open"),
        Printing.Columns.Age,
    ];

    public object?[] Cells(JsonObject ing, DateTimeOffset now) =>
    [
        ObjectMetaRead.Name(ing),
        StrOrNull(ing, "spec", "ingressClassName") ?? "<none>",
        Hosts(Objects(ing, "spec", "rules").ToList()),
        LoadBalancerStatus.Format(Obj(ing, "status", "loadBalancer")),
        Arr(ing, "spec", "tls").Count != 0 ? "80, 443" : "80",
        ObjectMetaRead.Age(ing, now),
    ];

    /// <summary>formatHosts: up to 3 hosts; the "more" count is over all rules, as in kube.</summary>
    static string Hosts(List<JsonObject> rules)
    {
        const int max = 3;
        var list = new List<string>();
        bool more = false;
        foreach (var rule in rules)
        {
            if (list.Count == max) more = true;
            if (!more && Str(rule, "host") is { Length: > 0 } host) list.Add(host);
        }
        if (list.Count == 0) return "*";
        var joined = string.Join(",", list);
        return more ? $"{joined} + {rules.Count - max} more..." : joined;
    }
}
