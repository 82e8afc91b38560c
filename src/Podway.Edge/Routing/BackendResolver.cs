using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>
/// Resolves an Ingress backend (`service.name` + `port.number|name`) to a <see cref="BackendPool"/>: the Service port,
/// then the endpoints of the Service's EndpointSlices with the slice port of the same name, as kube-proxy does.
/// A backend that cannot be resolved becomes an empty pool (the forwarder answers 503) and a problem.
/// </summary>
internal sealed class BackendResolver
{
    const string ServiceNameLabel = "kubernetes.io/service-name";

    readonly Dictionary<string, JsonObject> _services = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<JsonObject>> _slicesByService = new(StringComparer.Ordinal);
    readonly Dictionary<string, BackendPool> _pools = new(StringComparer.Ordinal);

    public BackendResolver(IEnumerable<JsonObject> services, IEnumerable<JsonObject> slices)
    {
        foreach (var s in services) _services[$"{Json.Namespace(s)}/{Json.Name(s)}"] = s;
        foreach (var slice in slices)
        {
            var service = Json.Label(slice, ServiceNameLabel);
            if (service is null) continue;
            var key = $"{Json.Namespace(slice)}/{service}";
            if (!_slicesByService.TryGetValue(key, out var list)) _slicesByService[key] = list = [];
            list.Add(slice);
        }
    }

    /// <summary>The pool for <paramref name="backend"/> (an IngressBackend) of an Ingress in <paramref name="ns"/>;
    /// <paramref name="problem"/> says why it is empty when it cannot be resolved. <paramref name="protocol"/>: the
    /// Service and slice ports' protocol (UDP for UDPRoute backends; a Service may have port 53 twice).</summary>
    public BackendPool Resolve(string ns, JsonObject backend, out string? problem, string protocol = "TCP")
    {
        if (backend["resource"] is JsonObject resource)
        {
            problem = $"resource backend {Json.Text(resource["kind"])}/{Json.Text(resource["name"])} is not supported; only service backends are";
            return Empty(ns, "", $"resource:{Json.Text(resource["kind"])}/{Json.Text(resource["name"])}", null);
        }
        var name = Json.Text(backend["service"]?["name"]) ?? "";
        var portNumber = Json.Int(backend["service"]?["port"]?["number"]);
        var portName = Json.Text(backend["service"]?["port"]?["name"]);
        var wanted = portNumber?.ToString() ?? portName ?? "";
        var display = $"{name}:{wanted}";
        if (name.Length == 0)
        {
            problem = "backend names no service";
            return Empty(ns, name, display, null);
        }
        if (!_services.TryGetValue($"{ns}/{name}", out var service))
        {
            problem = $"Service \"{ns}/{name}\" not found";
            return Empty(ns, name, display, null);
        }
        if (Json.Text(service["spec"]?["type"]) == "ExternalName")
        {
            problem = $"Service \"{ns}/{name}\" is of type ExternalName, which the edge does not forward to";
            return Empty(ns, name, display, null);
        }
        var port = Json.Objects(service["spec"]?["ports"]).FirstOrDefault(p => (Json.Text(p["protocol"]) ?? "TCP") == protocol &&
            portNumber is { } n ? Json.Int(p["port"]) == n : portName is not null && Json.Text(p["name"]) == portName);
        if (port is null)
        {
            problem = $"Service \"{ns}/{name}\" has no port {wanted}";
            return Empty(ns, name, display, null);
        }
        problem = null;
        var servicePortName = Json.Text(port["name"]) ?? "";
        var key = $"{ns}/{name}/{servicePortName}/{display}/{protocol}";
        if (!_pools.TryGetValue(key, out var pool))
            _pools[key] = pool = new BackendPool(ns, name, display, Endpoints($"{ns}/{name}", servicePortName, protocol), Json.Text(port["appProtocol"]));
        return pool;
    }

    static BackendPool Empty(string ns, string name, string display, string? appProtocol) => new(ns, name, display, [], appProtocol);

    /// <summary>Every IP endpoint of the Service's slices with the port named like the Service port ("" when unnamed).</summary>
    List<Upstream> Endpoints(string serviceKey, string portName, string protocol)
    {
        var result = new List<Upstream>();
        if (!_slicesByService.TryGetValue(serviceKey, out var slices)) return result;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (Json.Text(slice["addressType"]) is not ("IPv4" or "IPv6")) continue; // FQDN slices are not forwarded to
            var slicePort = Json.Objects(slice["ports"]).FirstOrDefault(p => (Json.Text(p["name"]) ?? "") == portName);
            if (slicePort is null || Json.Int(slicePort["port"]) is not { } number || (Json.Text(slicePort["protocol"]) ?? "TCP") != protocol)
                continue;
            foreach (var endpoint in Json.Objects(slice["endpoints"]))
            {
                var conditions = endpoint["conditions"];
                // API semantics: unset ready means ready; unset serving means "as ready"; unset terminating means false.
                var ready = Json.Bool(conditions?["ready"]) ?? true;
                var serving = Json.Bool(conditions?["serving"]) ?? ready;
                var terminating = Json.Bool(conditions?["terminating"]) ?? false;
                foreach (var address in Json.Strings(endpoint["addresses"]))
                    if (seen.Add($"{address}:{number}")) // an address in two slices during a move counts once
                        result.Add(new Upstream(address, number, ready, serving, terminating));
            }
        }
        return result;
    }
}
