using System.Net;
using System.Text.Json.Nodes;
using Podway.Node.Network;
using Podway.Node.Network.Netlink;

namespace Podway.Node.Sandbox;

/// <summary>
/// Executes a CNI network configuration list as the CNI 1.0 spec says a runtime must: ADD runs the plugins in
/// order, each getting the previous result as prevResult and the runtimeConfig of the capabilities it declares;
/// DEL runs them in reverse with the cached ADD result. Plugins run inside the node's network namespace, so the
/// Pod bridge and the host ends of the Pod veths live on the node, not on the host.
/// </summary>
internal sealed class CniRuntime(string pluginDir, string nodeNetns)
{
    // The node agent already runs in the node's namespace: its plugins are exec'd directly there. `ip netns exec`
    // would also copy the whole mount table into a new mount namespace for each plugin, which grows with every Pod
    // (its netns and root mounts): in a burst of 100 Pods, children's CPU per Pod fell from ~130-150 ms to ~100-125 ms.
    readonly Lazy<bool> inNodeNetns = new(() => NetnsIdentity.OfProcess(Environment.ProcessId) is { } self && self == NetnsIdentity.OfName(nodeNetns));

    public static readonly JsonObject Loopback = new() { ["cniVersion"] = CniConflist.CniVersion, ["name"] = "cni-loopback", ["type"] = "loopback" };

    public async Task<JsonObject> AddListAsync(JsonObject conflist, string containerId, string netnsPath, string ifName,
        JsonObject capabilityArgs, CancellationToken ct)
    {
        JsonObject? result = null;
        foreach (var plugin in Plugins(conflist))
        {
            var conf = PluginConfig(conflist, plugin, capabilityArgs, result);
            result = await ExecAsync("ADD", conf, containerId, netnsPath, ifName, ct)
                ?? throw new IOException($"CNI plugin {plugin["type"]} returned no result for ADD");
        }
        return result ?? new JsonObject { ["cniVersion"] = CniConflist.CniVersion };
    }

    /// <summary>DEL in reverse order; netnsPath may be null when the namespace is already gone (plugins still release IPAM).</summary>
    public async Task DelListAsync(JsonObject conflist, string containerId, string? netnsPath, string ifName,
        JsonObject capabilityArgs, JsonObject? cachedResult, CancellationToken ct)
    {
        foreach (var plugin in Plugins(conflist).Reverse())
            await ExecAsync("DEL", PluginConfig(conflist, plugin, capabilityArgs, cachedResult), containerId, netnsPath, ifName, ct);
    }

    public async Task<JsonObject?> ExecAsync(string command, JsonObject conf, string containerId, string? netnsPath, string ifName, CancellationToken ct)
    {
        var type = conf["type"]?.GetValue<string>() ?? throw new IOException("CNI config without a type");
        if (InProcess(command, type, conf, containerId, netnsPath, ifName) is { } work) return await NetnsThread.RunAsync(work);
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = command,
            ["CNI_CONTAINERID"] = containerId,
            ["CNI_NETNS"] = netnsPath ?? "",
            ["CNI_IFNAME"] = ifName,
            ["CNI_PATH"] = pluginDir,
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        };
        var plugin = Path.Combine(pluginDir, type);
        var r = inNodeNetns.Value
            ? await HostProcess.RunAsync(plugin, [], conf.ToJsonString(), env, ct)
            : await HostProcess.RunAsync("ip", ["netns", "exec", nodeNetns, plugin], conf.ToJsonString(), env, ct);
        if (!r.Ok)
        {
            var message = r.Stderr.Trim();
            try
            {
                if (JsonNode.Parse(r.Stdout) is JsonObject error)
                    message = $"{error["msg"]}{(error["details"] is { } d ? $": {d}" : "")}".Trim();
            }
            catch (System.Text.Json.JsonException) { }
            throw new IOException($"CNI {command} {type} for {containerId} failed (exit {r.ExitCode}): {message}");
        }
        return command == "ADD" ? JsonNode.Parse(r.Stdout) as JsonObject : null;
    }

    /// <summary>
    /// The plugins podway runs itself, on the process's NetnsThread (BridgePlugin): loopback, bridge with host-local,
    /// and portmap with no port to map (the plugin then passes prevResult on and has nothing to undo). Null when the
    /// real plugin must run.
    /// </summary>
    Func<JsonObject?>? InProcess(string command, string type, JsonObject conf, string containerId, string? netnsPath, string ifName)
    {
        var add = command == "ADD";
        if (add && netnsPath is null) return null;
        if (type == "loopback")
            return () =>
            {
                // DEL would set lo down in a namespace about to be deleted: nothing to do.
                if (!add) return null;
                BridgePlugin.LoopbackUp(netnsPath!);
                return new JsonObject
                {
                    ["cniVersion"] = conf["cniVersion"]?.DeepClone(),
                    ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "lo", ["mac"] = "00:00:00:00:00:00", ["sandbox"] = netnsPath }),
                    ["ips"] = new JsonArray(new JsonObject { ["interface"] = 0, ["address"] = "127.0.0.1/8" }),
                };
            };
        if (type == "bridge" && BridgePlugin.Handles(conf))
            return () =>
            {
                if (add) return BridgePlugin.Add(conf, containerId, netnsPath!, ifName, OpenNodeNetlink);
                BridgePlugin.Del(conf, containerId, netnsPath, ifName);
                return null;
            };
        var mapsPorts = conf["runtimeConfig"]?["portMappings"] is JsonArray mappings && mappings.Count > 0;
        if (type == "portmap" && !mapsPorts)
            return () => add ? conf["prevResult"]?.DeepClone() as JsonObject : null;
        return null;
    }

    // The netns thread's home is the agent's namespace, the node's; a process elsewhere (a test) visits the node's.
    RouteNetlink OpenNodeNetlink() => inNodeNetns.Value ? RouteNetlink.Open() : RouteNetlink.OpenIn(Netns.PathOf(nodeNetns));

    /// <summary>The first IPv4 address the result assigns to the interface inside the sandbox.</summary>
    public static IPAddress PodIp(JsonObject result, string ifName)
    {
        var interfaces = result["interfaces"] as JsonArray ?? [];
        foreach (var ip in result["ips"] as JsonArray ?? [])
        {
            if (ip?["interface"] is { } index && interfaces[index.GetValue<int>()]?["name"]?.GetValue<string>() != ifName) continue;
            var address = ip?["address"]?.GetValue<string>();
            if (address is null) continue;
            var parsed = IPAddress.Parse(address.Split('/')[0]);
            if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return parsed;
        }
        throw new IOException($"CNI result has no IPv4 address on {ifName}: {result.ToJsonString()}");
    }

    static IEnumerable<JsonObject> Plugins(JsonObject conflist) => (conflist["plugins"] as JsonArray ?? []).OfType<JsonObject>();

    static JsonObject PluginConfig(JsonObject conflist, JsonObject plugin, JsonObject capabilityArgs, JsonObject? prevResult)
    {
        var conf = (JsonObject)plugin.DeepClone();
        conf["cniVersion"] = conflist["cniVersion"]?.DeepClone();
        conf["name"] = conflist["name"]?.DeepClone();
        var runtimeConfig = new JsonObject();
        foreach (var (capability, enabled) in plugin["capabilities"] as JsonObject ?? [])
            if (enabled?.GetValue<bool>() == true && capabilityArgs[capability] is { } value)
                runtimeConfig[capability] = value.DeepClone();
        if (runtimeConfig.Count > 0) conf["runtimeConfig"] = runtimeConfig;
        if (prevResult is not null) conf["prevResult"] = prevResult.DeepClone();
        return conf;
    }
}
