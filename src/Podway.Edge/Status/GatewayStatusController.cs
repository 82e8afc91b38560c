using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Edge.Addon;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;

namespace Podway.Edge.Status;

/// <summary>
/// The Gateway API controller's writes, from the feed's <see cref="GatewayRoutes"/> (the same computation the edge
/// Pods route by): a LoadBalancer Service in the edge's namespace (ingress-nginx) per Gateway of podway's class (its ports are the listener
/// ports, each with a target port of its own on the edge Pods), and the status of podway's GatewayClasses, their
/// Gateways and the HTTPRoutes and GRPCRoutes attached to them. Runs once, in the control plane. Objects of other controllers are
/// never written.
/// </summary>
internal sealed class GatewayStatusController(SharedInformerFactory informers, EdgeConfigFeed feed, Action<string>? log)
{
    const string Component = "podway-gateway";
    static readonly TimeSpan Resync = TimeSpan.FromSeconds(5);

    readonly ApiClient _client = informers.Client;
    readonly Informer _services = informers.For(BuiltinResources.Service);
    readonly Informer _classes = informers.For(BuiltinResources.GatewayClass);
    readonly Informer _gateways = informers.For(BuiltinResources.Gateway);
    readonly Informer _routes = informers.For(BuiltinResources.HttpRoute);
    readonly Informer _grpcRoutes = informers.For(BuiltinResources.GrpcRoute);
    readonly Dictionary<string, (ResourceType Type, Informer Informer)> _streamRoutes = new[] { BuiltinResources.TlsRoute, BuiltinResources.TcpRoute, BuiltinResources.UdpRoute }
        .ToDictionary(t => t.Kind, t => (t, informers.For(t)));
    readonly SemaphoreSlim _changed = new(0, 1);

    public async Task RunAsync(CancellationToken ct)
    {
        await feed.Synced.WaitAsync(ct);
        feed.Changed += _ => { try { _changed.Release(); } catch (SemaphoreFullException) { } };
        while (!ct.IsCancellationRequested)
        {
            try { await SyncAsync(feed.Current.Gateways, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { log?.Invoke($"{Component}: {e.Message} (will retry)"); }
            await _changed.WaitAsync(Resync, ct); // a failed write is retried at the latest after Resync
        }
    }

    async Task SyncAsync(GatewayRoutes wanted, CancellationToken ct)
    {
        // A Service that cannot be written must not hold up the status of everything else.
        try { await EnsureServicesAsync(wanted, ct); }
        catch (Exception e) when (e is not OperationCanceledException) { log?.Invoke($"{Component}: Services: {e.Message} (will retry)"); }
        foreach (var (name, status) in wanted.ClassStatus)
            await WriteStatusAsync(BuiltinResources.GatewayClass, _classes.Cache.Get(null, name), status, ct);
        foreach (var state in wanted.Gateways.Values)
            await WriteStatusAsync(BuiltinResources.Gateway, _gateways.Cache.Get(state.Namespace, state.Name), state.Status, ct);
        foreach (var (key, ours) in wanted.RouteParents)
        {
            var slash = key.IndexOf('/');
            await WriteParentsAsync(BuiltinResources.HttpRoute, _routes.Cache.Get(key[..slash], key[(slash + 1)..]), ours, ct);
        }
        foreach (var ((kind, key), ours) in wanted.StreamRouteParents)
        {
            var slash = key.IndexOf('/');
            var (type, informer) = _streamRoutes[kind];
            await WriteParentsAsync(type, informer.Cache.Get(key[..slash], key[(slash + 1)..]), ours, ct);
        }
        // Every GRPCRoute, so podway's entries of one that no longer names a podway Gateway are removed.
        foreach (var route in _grpcRoutes.Cache.List())
            await WriteParentsAsync(BuiltinResources.GrpcRoute, route,
                wanted.GrpcRouteParents.GetValueOrDefault($"{ObjectMeta.Namespace(route)}/{ObjectMeta.Name(route)}") ?? [], ct);
    }

    /// <summary>Replaces podway's entries in a route's status.parents (other controllers' entries are shared and kept).</summary>
    async Task WriteParentsAsync(ResourceType type, JsonObject? route, JsonArray ours, CancellationToken ct)
    {
        if (route is null) return;
        var existing = (route["status"]?["parents"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (ours.Count == 0 && existing.All(p => Json.Text(p["controllerName"]) != GatewayApi.ControllerName)) return;
        var parents = new JsonArray();
        foreach (var other in existing)
            if (Json.Text(other["controllerName"]) != GatewayApi.ControllerName) parents.Add(other.DeepClone());
        var existingOurs = existing.Where(p => Json.Text(p["controllerName"]) == GatewayApi.ControllerName).ToList();
        foreach (var entry in ours.OfType<JsonObject>())
        {
            var copy = (JsonObject)entry.DeepClone();
            var previous = existingOurs.FirstOrDefault(p => JsonNodes.DeepEquals(p["parentRef"], entry["parentRef"]));
            StampTransitions(copy["conditions"] as JsonArray, previous?["conditions"] as JsonArray);
            parents.Add((JsonNode)copy);
        }
        await WriteStatusAsync(type, route, new JsonObject { ["parents"] = parents }, ct);
    }

    /// <summary>Patches <paramref name="obj"/>'s status to <paramref name="status"/> (conditions keep their
    /// lastTransitionTime while their status holds) when it differs.</summary>
    async Task WriteStatusAsync(ResourceType type, JsonObject? obj, JsonObject status, CancellationToken ct)
    {
        if (obj is null) return;
        var desired = (JsonObject)status.DeepClone();
        var current = obj["status"] as JsonObject;
        StampTransitions(desired["conditions"] as JsonArray, current?["conditions"] as JsonArray);
        foreach (var listener in (desired["listeners"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var before = (current?["listeners"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(l => Json.Text(l["name"]) == Json.Text(listener["name"]));
            StampTransitions(listener["conditions"] as JsonArray, before?["conditions"] as JsonArray);
        }
        if (current is not null && desired.All(p => JsonNodes.DeepEquals(current[p.Key], p.Value))) return;
        try
        {
            await _client.PatchAsync(type, ObjectMeta.Namespace(obj) is { Length: > 0 } ns ? ns : null, ObjectMeta.Name(obj),
                PatchType.Merge, new JsonObject { ["status"] = desired }, "status", ct: ct);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }

    static void StampTransitions(JsonArray? desired, JsonArray? current)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        foreach (var condition in (desired ?? []).OfType<JsonObject>())
        {
            var before = (current ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.Text(c["type"]) == Json.Text(condition["type"]));
            condition["lastTransitionTime"] = before is not null && Json.Text(before["status"]) == Json.Text(condition["status"])
                ? before["lastTransitionTime"]?.DeepClone() ?? now : now;
        }
    }

    /// <summary>One LoadBalancer Service per Gateway; its ports map listener ports to edge target ports, allocated
    /// once and kept; Services of Gateways that are gone (or no longer podway's) are deleted.</summary>
    async Task EnsureServicesAsync(GatewayRoutes wanted, CancellationToken ct)
    {
        var existing = _services.Cache.List().Where(s => ObjectMeta.Namespace(s) == EdgeAddon.Namespace && Json.Annotation(s, GatewayApi.GatewayAnnotation) is not null).ToList();
        foreach (var svc in existing)
            if (!wanted.Gateways.ContainsKey(Json.Annotation(svc, GatewayApi.GatewayAnnotation)!))
            {
                try { await _client.DeleteAsync(BuiltinResources.Service, EdgeAddon.Namespace, ObjectMeta.Name(svc), ct: ct); }
                catch (ApiException e) when (e.Code == 404) { }
            }
        var used = existing.SelectMany(s => Json.Objects(s["spec"]?["ports"])).Select(p => Json.Int(p["targetPort"]) ?? 0).ToHashSet();
        foreach (var (key, state) in wanted.Gateways)
        {
            var svc = existing.FirstOrDefault(s => Json.Annotation(s, GatewayApi.GatewayAnnotation) == key);
            var targets = Json.Objects(svc?["spec"]?["ports"]).Where(p => Json.Int(p["port"]) is not null)
                .ToDictionary(p => Json.Int(p["port"])!.Value, p => Json.Int(p["targetPort"]) ?? 0);
            var ports = new JsonArray();
            foreach (var port in state.Ports)
            {
                if (!targets.TryGetValue(port, out var target))
                {
                    target = Enumerable.Range(GatewayApi.FirstTargetPort, GatewayApi.LastTargetPort - GatewayApi.FirstTargetPort + 1).FirstOrDefault(p => !used.Contains(p));
                    if (target == 0) throw new InvalidOperationException("no free edge target port for Gateway listeners");
                    used.Add(target);
                }
                ports.Add((JsonNode)new JsonObject { ["name"] = $"port-{port}", ["port"] = port, ["targetPort"] = target, ["protocol"] = state.UdpPorts.Contains(port) ? "UDP" : "TCP" });
            }
            var spec = new JsonObject
            {
                ["type"] = "LoadBalancer",
                ["selector"] = EdgeAddon.Labels(),
                ["ports"] = ports,
                ["loadBalancerIP"] = state.RequestedAddress,
            };
            if (svc is null)
            {
                if (ports.Count == 0) continue; // a Service needs a port; the Gateway shows no address until it has a listener
                var obj = new JsonObject
                {
                    ["apiVersion"] = "v1", ["kind"] = "Service",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = ServiceName(state.Namespace, state.Name), ["namespace"] = EdgeAddon.Namespace,
                        ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = EdgeAddon.AppName, ["app.kubernetes.io/component"] = "gateway" },
                        ["annotations"] = new JsonObject { [GatewayApi.GatewayAnnotation] = key },
                    },
                    ["spec"] = spec,
                };
                if (state.RequestedAddress is null) spec.Remove("loadBalancerIP");
                try { await _client.CreateAsync(BuiltinResources.Service, EdgeAddon.Namespace, obj, ct); }
                catch (ApiException e) when (e.Code == 409) { }
                log?.Invoke($"{Component}: Gateway {key}: Service {EdgeAddon.Namespace}/{ServiceName(state.Namespace, state.Name)} created");
                continue;
            }
            var sameTargets = JsonNodes.DeepEquals(
                new JsonArray([.. Json.Objects(svc["spec"]?["ports"]).Select(p => (JsonNode)new JsonObject { ["port"] = Json.Int(p["port"]), ["targetPort"] = Json.Int(p["targetPort"]), ["protocol"] = Json.Text(p["protocol"]) ?? "TCP" })]),
                new JsonArray([.. ports.OfType<JsonObject>().Select(p => (JsonNode)new JsonObject { ["port"] = Json.Int(p["port"]), ["targetPort"] = Json.Int(p["targetPort"]), ["protocol"] = Json.Text(p["protocol"]) })]));
            if (sameTargets && Json.Text(svc["spec"]?["loadBalancerIP"]) == state.RequestedAddress || ports.Count == 0) continue;
            await _client.PatchAsync(BuiltinResources.Service, EdgeAddon.Namespace, ObjectMeta.Name(svc), PatchType.Merge,
                new JsonObject { ["spec"] = new JsonObject { ["ports"] = ports.DeepClone(), ["loadBalancerIP"] = state.RequestedAddress } }, ct: ct);
        }
    }

    /// <summary>`gw-NAMESPACE-NAME`, shortened with a hash past the 63 characters a Service name may have.</summary>
    public static string ServiceName(string ns, string name)
    {
        var full = $"gw-{ns}-{name}";
        if (full.Length <= 63) return full;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ns}/{name}")))[..8];
        return $"{full[..54].TrimEnd('-')}-{hash}";
    }
}
