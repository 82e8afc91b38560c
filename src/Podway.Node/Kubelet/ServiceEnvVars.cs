using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Client;

namespace Podway.Node.Kubelet;

/// <summary>
/// The Docker-links style variables the kubelet gives every container for the Services it may use
/// (pkg/kubelet/envvars and getServiceEnvVarMap): FOO_SERVICE_HOST, FOO_SERVICE_PORT[_NAME], FOO_PORT,
/// FOO_PORT_80_TCP[_PROTO|_PORT|_ADDR]. Services with no ClusterIP (headless, ExternalName) give none.
/// </summary>
internal static class ServiceEnvVars
{
    /// <summary>The kubelet's "master services": always visible, from the default namespace, even with enableServiceLinks false.</summary>
    const string MasterService = "kubernetes";
    const string MasterNamespace = "default";

    /// <summary>
    /// getServiceEnvVarMap: the Services of the Pod's namespace (when enableServiceLinks) plus default/kubernetes.
    /// A Service named kubernetes in the Pod's own namespace wins over the master one, as in kube.
    /// </summary>
    public static Dictionary<string, string> ForPod(IEnumerable<JsonObject> services, string podNamespace, bool enableServiceLinks)
    {
        var byName = new Dictionary<string, JsonObject>();
        foreach (var service in services)
        {
            if (!HasClusterIp(service)) continue;
            var name = ObjectMeta.Name(service);
            var ns = ObjectMeta.Namespace(service);
            if (ns == MasterNamespace && name == MasterService) byName.TryAdd(name, service);
            else if (ns == podNamespace && enableServiceLinks) byName[name] = service;
        }
        var env = new Dictionary<string, string>();
        foreach (var (k, v) in FromServices(byName.Values)) env[k] = v;
        return env;
    }

    /// <summary>envvars.FromServices: the variables of each Service, in the kubelet's order.</summary>
    public static List<KeyValuePair<string, string>> FromServices(IEnumerable<JsonObject> services)
    {
        var result = new List<KeyValuePair<string, string>>();
        void Add(string k, string v) => result.Add(new(k, v));
        foreach (var service in services)
        {
            if (!HasClusterIp(service)) continue;
            var ports = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (ports.Count == 0) continue; // validation requires ports for a ClusterIP; guard against what it did not see
            var prefix = VariableName(ObjectMeta.Name(service));
            var clusterIp = ClusterIp(service)!;
            Add(prefix + "_SERVICE_HOST", clusterIp);
            Add(prefix + "_SERVICE_PORT", Port(ports[0]));
            foreach (var port in ports)
                if (port["name"]?.GetValue<string>() is { Length: > 0 } portName)
                    Add(prefix + "_SERVICE_PORT_" + VariableName(portName), Port(port));
            for (var i = 0; i < ports.Count; i++)
            {
                var protocol = ports[i]["protocol"]?.GetValue<string>() is { Length: > 0 } p ? p : "TCP";
                var url = $"{protocol.ToLowerInvariant()}://{HostPort(clusterIp, Port(ports[i]))}";
                if (i == 0) Add(prefix + "_PORT", url); // Docker special-cases the first port
                var portPrefix = $"{prefix}_PORT_{Port(ports[i])}_{protocol.ToUpperInvariant()}";
                Add(portPrefix, url);
                Add(portPrefix + "_PROTO", protocol.ToLowerInvariant());
                Add(portPrefix + "_PORT", Port(ports[i]));
                Add(portPrefix + "_ADDR", clusterIp);
            }
        }
        return result;
    }

    static string VariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    static string? ClusterIp(JsonObject service) => service["spec"]?["clusterIP"]?.GetValue<string>();

    /// <summary>v1helper.IsServiceIPSet: a ClusterIP that is neither empty nor None.</summary>
    static bool HasClusterIp(JsonObject service) => ClusterIp(service) is { Length: > 0 } ip && ip != "None";

    static string Port(JsonObject port) => (port["port"]?.GetValue<int>() ?? 0).ToString(CultureInfo.InvariantCulture);

    /// <summary>net.JoinHostPort: IPv6 addresses in brackets.</summary>
    static string HostPort(string host, string port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}
