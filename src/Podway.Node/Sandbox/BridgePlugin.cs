using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Podway.Node.Network.Netlink;

namespace Podway.Node.Sandbox;

/// <summary>
/// The CNI `bridge` plugin with `host-local` IPAM, and the `loopback` plugin, run inside the agent over rtnetlink
/// instead of as three Go programs per Pod: the same links, addresses, routes, sysctls, IPAM files and CNI result as
/// containernetworking/plugins 1.1.1 makes for the configuration the node's conflist holds. In a burst of 100 Pods
/// the plugins' processes were a quarter of the machine's CPU (see README). Configurations using anything else
/// (another IPAM, ipMasq, several ranges, a VLAN...) are not <see cref="Handles"/>d and run the real plugin.
/// </summary>
internal static class BridgePlugin
{
    static readonly HashSet<string> Keys = ["cniVersion", "name", "type", "bridge", "isGateway", "ipMasq", "hairpinMode", "ipam", "runtimeConfig", "prevResult"];
    static readonly HashSet<string> IpamKeys = ["type", "ranges", "routes", "dataDir"];
    static readonly HashSet<string> RangeKeys = ["subnet", "gateway"];

    public static bool Handles(JsonObject conf)
    {
        if (conf["type"]?.GetValue<string>() != "bridge" || conf.Any(p => !Keys.Contains(p.Key))) return false;
        if (conf["ipMasq"]?.GetValue<bool>() == true || conf["bridge"]?.GetValue<string>() is not { Length: > 0 }) return false;
        if (conf["ipam"] is not JsonObject ipam || ipam["type"]?.GetValue<string>() != "host-local" || ipam.Any(p => !IpamKeys.Contains(p.Key))) return false;
        if (ipam["dataDir"]?.GetValue<string>() is not { Length: > 0 }) return false;
        return ipam["ranges"] is JsonArray { Count: 1 } sets && sets[0] is JsonArray { Count: 1 } set && set[0] is JsonObject range
            && range.All(p => RangeKeys.Contains(p.Key)) && IPNetwork.TryParse(range["subnet"]?.GetValue<string>(), out var subnet)
            && subnet.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
    }

    /// <summary>The loopback plugin's ADD: lo up inside the sandbox.</summary>
    public static void LoopbackUp(string netnsPath)
    {
        using var pod = RouteNetlink.OpenIn(netnsPath);
        var lo = pod.Link("lo") ?? throw new IOException($"no lo in {netnsPath}");
        pod.SetUp(lo.Index);
    }

    public static JsonObject Add(JsonObject conf, string containerId, string netnsPath, string ifName, Func<RouteNetlink> openNode)
    {
        var bridgeName = conf["bridge"]!.GetValue<string>();
        var ipam = (JsonObject)conf["ipam"]!;
        var range = (JsonObject)ipam["ranges"]![0]![0]!;
        var subnet = IPNetwork.Parse(range["subnet"]!.GetValue<string>());
        var gateway = range["gateway"]?.GetValue<string>() is { } gw ? IPAddress.Parse(gw) : HostLocalIpam.FromUInt(HostLocalIpam.ToUInt(subnet.BaseAddress) + 1);
        var store = new HostLocalIpam(ipam["dataDir"]!.GetValue<string>(), conf["name"]?.GetValue<string>() ?? "");

        using var node = openNode();
        var bridge = EnsureBridge(node, bridgeName, conf["isGateway"]?.GetValue<bool>() == true ? gateway : null, subnet.PrefixLength);
        var address = store.Allocate(containerId, ifName, subnet, gateway);
        try
        {
            var hostName = CreateVeth(node, netnsPath, ifName);
            var host = node.Link(hostName) ?? throw new IOException($"veth {hostName} vanished");
            node.SetUp(host.Index, bridge.Index);
            if (conf["hairpinMode"]?.GetValue<bool>() == true) node.SetHairpin(host.Index);

            // arp_notify before the link comes up: the Pod announces its MAC, so neighbours forget a reused address's old one.
            using var pod = RouteNetlink.OpenIn(netnsPath, () => File.WriteAllText($"/proc/sys/net/ipv4/conf/{ifName}/arp_notify", "1"));
            var container = pod.Link(ifName) ?? throw new IOException($"no {ifName} in {netnsPath}");
            pod.ReplaceAddress(container.Index, address, subnet.PrefixLength);
            pod.SetUp(container.Index);
            var routes = new JsonArray();
            foreach (var route in (ipam["routes"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var dst = IPNetwork.Parse(route["dst"]!.GetValue<string>());
                var via = route["gw"]?.GetValue<string>() is { } r ? IPAddress.Parse(r) : gateway;
                pod.AddRoute(dst.BaseAddress, dst.PrefixLength, via, container.Index);
                routes.Add((JsonNode)route.DeepClone());
            }
            return new JsonObject
            {
                ["cniVersion"] = conf["cniVersion"]?.DeepClone(),
                ["interfaces"] = new JsonArray(
                    new JsonObject { ["name"] = bridgeName, ["mac"] = bridge.Mac },
                    new JsonObject { ["name"] = hostName, ["mac"] = host.Mac },
                    new JsonObject { ["name"] = ifName, ["mac"] = container.Mac, ["sandbox"] = netnsPath }),
                ["ips"] = new JsonArray(new JsonObject
                {
                    ["interface"] = 2, ["address"] = $"{address}/{subnet.PrefixLength}", ["gateway"] = gateway.ToString(),
                }),
                ["routes"] = routes,
                ["dns"] = new JsonObject(),
            };
        }
        catch
        {
            store.Release(containerId, ifName);
            throw;
        }
    }

    /// <summary>The bridge plugin's DEL: the address back to IPAM, the Pod's interface (and so its veth) deleted.</summary>
    public static void Del(JsonObject conf, string containerId, string? netnsPath, string ifName)
    {
        var ipam = (JsonObject)conf["ipam"]!;
        new HostLocalIpam(ipam["dataDir"]!.GetValue<string>(), conf["name"]?.GetValue<string>() ?? "").Release(containerId, ifName);
        if (netnsPath is null || !File.Exists(netnsPath)) return;
        using var pod = RouteNetlink.OpenIn(netnsPath);
        if (pod.Link(ifName) is { } link)
        {
            try { pod.DeleteLink(link.Index); }
            catch (NetlinkException e) when (e.Errno == NetlinkException.ENoDev) { }
        }
    }

    static (int Index, string Mac) EnsureBridge(RouteNetlink node, string name, IPAddress? gateway, int prefixLength)
    {
        if (node.Link(name) is not { } bridge)
        {
            node.CreateBridge(name);
            bridge = node.Link(name) ?? throw new IOException($"bridge {name} vanished");
        }
        node.SetUp(bridge.Index);
        if (gateway is not null) node.ReplaceAddress(bridge.Index, gateway, prefixLength);
        return bridge;
    }

    /// <summary>A veth pair: "veth" and 8 random hex digits on the node (as the plugin names them), IFNAME in the Pod.</summary>
    static string CreateVeth(RouteNetlink node, string netnsPath, string ifName)
    {
        using var ns = File.OpenHandle(netnsPath);
        for (var attempt = 0; ; attempt++)
        {
            var name = "veth" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            try
            {
                node.CreateVeth(name, ifName, (int)ns.DangerousGetHandle());
                return name;
            }
            catch (NetlinkException e) when (e.Errno == NetlinkException.EExist && attempt < 3 && node.Link(name) is not null) { }
        }
    }
}
