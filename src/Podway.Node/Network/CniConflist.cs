using System.Text.Json.Nodes;

namespace Podway.Node.Network;

/// <summary>
/// The node's CNI network configuration list: bridge (host-local IPAM over the node's Pod /24) then portmap
/// for hostPorts. IPAM state lives under the node's state dir, so clusters and nodes never share reservations.
/// </summary>
public static class CniConflist
{
    public const string NetworkName = "podway";
    public const string CniVersion = "1.0.0";

    public static string PathFor(NodeIdentity node) => System.IO.Path.Combine(node.StateDir, "cni", "10-podway.conflist");
    public static string IpamDataDir(NodeIdentity node) => System.IO.Path.Combine(node.StateDir, "cni", "ipam");

    public static JsonObject For(NodeIdentity node) => new()
    {
        ["cniVersion"] = CniVersion,
        ["name"] = NetworkName,
        // The constructor takes nodes (a collection initializer's generic Add<JsonObject> needs reflection in the native build).
        ["plugins"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = node.PodBridge,
                ["isGateway"] = true,
                // Pod IPs stay visible across nodes and to the host: the flat network routes them, no NAT.
                ["ipMasq"] = false,
                // A Pod reaching itself through a Service VIP needs its packets back on the same port.
                ["hairpinMode"] = true,
                ["ipam"] = new JsonObject
                {
                    ["type"] = "host-local",
                    ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = node.PodCidr })),
                    ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
                    ["dataDir"] = IpamDataDir(node),
                },
            },
            new JsonObject
            {
                ["type"] = "portmap",
                ["capabilities"] = new JsonObject { ["portMappings"] = true },
            }),
    };
}
