using System.Text.Json.Nodes;
using static Podway.Api.Printing.JsonRead;

namespace Podway.Api.Printing.Printers;

/// <summary>printers.go printNode: STATUS from the Ready condition (+SchedulingDisabled), ROLES from labels.</summary>
internal sealed class NodePrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        Printing.Columns.Name,
        Printing.Columns.Str("Status", "The status of the node"),
        Printing.Columns.Str("Roles", "The roles of the node"),
        Printing.Columns.Age,
        Printing.Columns.Str("Version", "Kubelet Version reported by the node."),
        Printing.Columns.Str("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
        Printing.Columns.Str("External-IP", "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
        Printing.Columns.Str("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
        Printing.Columns.Str("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
        Printing.Columns.Str("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", 1),
    ];

    const string LabelNodeRolePrefix = "node-role.kubernetes.io/";
    const string NodeLabelRole = "kubernetes.io/role";

    public object?[] Cells(JsonObject node, DateTimeOffset now)
    {
        var status = new List<string>();
        // The last Ready condition wins, as in kube's condition map.
        if (Objects(node, "status", "conditions").LastOrDefault(c => Str(c, "type") == "Ready") is { } ready)
        {
            status.Add(Str(ready, "status") == "True" ? "Ready" : "NotReady");
        }
        if (status.Count == 0) status.Add("Unknown");
        if (Bool(node, "spec", "unschedulable")) status.Add("SchedulingDisabled");

        var roles = Roles(Obj(node, "metadata", "labels"));
        var info = Obj(node, "status", "nodeInfo");
        return
        [
            ObjectMetaRead.Name(node), string.Join(",", status), roles.Count == 0 ? "<none>" : string.Join(",", roles),
            ObjectMetaRead.Age(node, now), Str(info, "kubeletVersion"),
            Address(node, "InternalIP"), Address(node, "ExternalIP"),
            OrUnknown(Str(info, "osImage")), OrUnknown(Str(info, "kernelVersion")), OrUnknown(Str(info, "containerRuntimeVersion")),
        ];
    }

    /// <summary>findNodeRoles: node-role.kubernetes.io/&lt;role&gt; keys and kubernetes.io/role values, sorted, distinct.</summary>
    static List<string> Roles(JsonObject? labels)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels ?? [])
        {
            if (key.StartsWith(LabelNodeRolePrefix, StringComparison.Ordinal))
            {
                if (key[LabelNodeRolePrefix.Length..] is { Length: > 0 } role) roles.Add(role);
            }
            else if (key == NodeLabelRole && Str(value) is { Length: > 0 } v)
            {
                roles.Add(v);
            }
        }
        return [.. roles];
    }

    static string Address(JsonObject node, string type) =>
        Objects(node, "status", "addresses").FirstOrDefault(a => Str(a, "type") == type) is { } a ? Str(a, "address") : "<none>";

    static string OrUnknown(string s) => s.Length == 0 ? "<unknown>" : s;
}
