using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's endpointslice Reconciler, as a pure function from (Service, Pods, Nodes, existing slices) to a SlicePlan:
/// endpoints grouped by the set of ports each Pod resolves, kept in the slice that already holds them, changed
/// slices filled before new ones are made, leftovers packed into the unchanged slice that fits best, and an empty
/// placeholder slice when a Service has no endpoints at all.
/// </summary>
internal sealed class EndpointSliceReconciler(int maxEndpointsPerSlice, string controllerName = EndpointNames.SliceControllerName)
{
    /// <summary>Pods skipped because their Node is not (yet) known: the caller retries later.</summary>
    public sealed record Result(SlicePlan Plan, IReadOnlyList<string> PodsOnMissingNodes);

    public Result Reconcile(JsonObject service, IReadOnlyList<JsonObject> pods, Func<string, JsonObject?> node, IReadOnlyList<JsonObject> existing)
    {
        var plan = new SlicePlan();
        var missing = new List<string>();
        var types = ServiceSpec.AddressTypes(service);
        foreach (var slice in existing.Where(s => !types.Contains(s.Str("addressType") ?? ""))) plan.Delete.Add(slice);
        foreach (var type in types)
        {
            var typed = ReconcileByAddressType(service, pods, node, existing.Where(s => s.Str("addressType") == type).ToList(), type, missing);
            plan.Create.AddRange(typed.Create);
            plan.Update.AddRange(typed.Update);
            plan.Delete.AddRange(typed.Delete);
        }
        return new Result(plan, missing);
    }

    SlicePlan ReconcileByAddressType(JsonObject service, IReadOnlyList<JsonObject> pods, Func<string, JsonObject?> node,
        List<JsonObject> existing, string addressType, List<string> missing)
    {
        var plan = new SlicePlan();
        var existingByPorts = new Dictionary<string, List<JsonObject>>();
        foreach (var slice in existing)
        {
            if (!SliceShape.OwnedBy(slice, service, "Service")) { plan.Delete.Add(slice); continue; }
            var key = SliceShape.PortKey(slice.Arr("ports"));
            if (!existingByPorts.TryGetValue(key, out var list)) existingByPorts[key] = list = [];
            list.Add(slice);
        }

        var desiredPorts = new Dictionary<string, JsonArray>();
        var desiredEndpoints = new Dictionary<string, EndpointSet>();
        foreach (var pod in pods)
        {
            if (!PodEndpoint.ShouldBeInEndpoints(pod, includeTerminating: true)) continue;
            var ports = EndpointPorts(service, pod);
            var key = SliceShape.PortKey(ports);
            if (!desiredEndpoints.ContainsKey(key)) { desiredEndpoints[key] = new EndpointSet(); desiredPorts[key] = ports; }
            var nodeObj = node(pod.Obj("spec").Str("nodeName") ?? "");
            if (nodeObj is null && !ServiceSpec.PublishNotReadyAddresses(service)) { missing.Add(pod.Name()); continue; }
            var endpoint = ToEndpoint(pod, nodeObj, service, addressType);
            if (endpoint.Arr("addresses")!.Count > 0) desiredEndpoints[key].Insert(endpoint);
        }

        foreach (var (key, desired) in desiredEndpoints)
        {
            var byPorts = ReconcileByPortMapping(service, existingByPorts.GetValueOrDefault(key) ?? [], desired, desiredPorts[key], addressType);
            plan.Create.AddRange(byPorts.Create);
            plan.Update.AddRange(byPorts.Update);
            plan.Delete.AddRange(byPorts.Delete);
        }
        foreach (var (key, slices) in existingByPorts)
            if (!desiredEndpoints.ContainsKey(key)) plan.Delete.AddRange(slices);

        // No endpoints at all: keep (or make) one empty placeholder slice, as kube does.
        if (existing.Count == plan.Delete.Count && plan.Create.Count == 0)
        {
            var placeholder = NewSlice(service, [], addressType);
            if (plan.Delete.Count == 1 && IsSamePlaceholder(plan.Delete[0], placeholder)) plan.Delete.Clear();
            else plan.Create.Add(placeholder);
        }
        plan.RecycleDeletes(slice => SliceShape.OwnedBy(slice, service, "Service"));
        return plan;
    }

    SlicePlan ReconcileByPortMapping(JsonObject service, List<JsonObject> existing, EndpointSet desired, JsonArray ports, string addressType)
    {
        var plan = new SlicePlan();
        var byName = new Dictionary<string, JsonObject>();
        var unchanged = new List<string>();
        var toUpdate = new List<string>();

        // 1. Keep each existing endpoint that is still desired where it is; note the slices that changed.
        foreach (var slice in existing)
        {
            var name = slice.Name();
            byName[name] = slice;
            var kept = new List<JsonObject>();
            var endpointUpdated = false;
            var current = SliceShape.Endpoints(slice);
            foreach (var endpoint in current)
            {
                if (desired.Get(endpoint) is not { } want) continue;
                kept.Add(want);
                if (!JsonNode.DeepEquals(want, endpoint)) endpointUpdated = true;
                desired.Delete(endpoint);
            }
            var (labels, labelsChanged) = SliceLabels(slice.Labels(), service);
            if (endpointUpdated || kept.Count != current.Count)
            {
                if (kept.Count == 0) { plan.Delete.Add(slice); continue; }
                var copy = (JsonObject)slice.DeepClone();
                copy["endpoints"] = new JsonArray([.. kept.Select(e => e.DeepClone())]);
                copy.Metadata()["labels"] = labels;
                byName[name] = copy;
                toUpdate.Add(name);
            }
            else if (labelsChanged)
            {
                var copy = (JsonObject)slice.DeepClone();
                copy.Metadata()["labels"] = labels;
                byName[name] = copy;
                toUpdate.Add(name);
            }
            else unchanged.Add(name);
        }

        // 2. Fill the slices being rewritten anyway, fullest first.
        if (desired.Count > 0)
            foreach (var name in toUpdate.OrderByDescending(n => SliceShape.Endpoints(byName[n]).Count))
                Fill(byName[name], desired);

        // 3. Leftovers go into the unchanged slice that fits them best, else into new slices.
        while (desired.Count > 0)
        {
            JsonObject? target = null;
            if (desired.Count < maxEndpointsPerSlice && unchanged.Count > 0)
                target = SliceToFill(unchanged.Select(n => byName[n]), desired.Count);
            if (target is null) target = NewSlice(service, ports, addressType);
            else
            {
                target = (JsonObject)target.DeepClone();
                byName[target.Name()] = target;
            }
            Fill(target, desired);
            if (target.Name().Length > 0)
            {
                toUpdate.Add(target.Name());
                unchanged.Remove(target.Name());
            }
            else plan.Create.Add(target);
        }
        plan.Update.AddRange(toUpdate.Distinct().Select(n => byName[n]));
        return plan;
    }

    void Fill(JsonObject slice, EndpointSet desired)
    {
        var endpoints = slice["endpoints"] as JsonArray ?? [];
        slice["endpoints"] = endpoints;
        while (desired.Count > 0 && endpoints.Count < maxEndpointsPerSlice) endpoints.Add((JsonNode)desired.PopAny());
    }

    /// <summary>getSliceToFill: the slice left closest to full after taking all the leftovers.</summary>
    JsonObject? SliceToFill(IEnumerable<JsonObject> slices, int count)
    {
        var closestDiff = maxEndpointsPerSlice;
        JsonObject? closest = null;
        foreach (var slice in slices)
        {
            var diff = maxEndpointsPerSlice - (count + SliceShape.Endpoints(slice).Count);
            if (diff >= 0 && diff < closestDiff)
            {
                closestDiff = diff;
                closest = slice;
                if (diff == 0) break;
            }
        }
        return closest;
    }

    /// <summary>getEndpointPorts: every Service port the Pod serves, numbers resolved for this Pod, names exactly as the Service has them.</summary>
    static JsonArray EndpointPorts(JsonObject service, JsonObject pod)
    {
        var result = new JsonArray();
        foreach (var servicePort in ServiceSpec.Ports(service))
        {
            if (PodEndpoint.FindPort(pod, servicePort) is not { } number) continue;
            var port = new JsonObject { ["name"] = servicePort.Str("name") ?? "", ["protocol"] = servicePort.Str("protocol") ?? "TCP", ["port"] = number };
            if (servicePort.Str("appProtocol") is { } app) port["appProtocol"] = app;
            result.Add((JsonNode)port);
        }
        return result;
    }

    /// <summary>podToEndpoint: conditions, nodeName, zone, hostname and targetRef of one Pod.</summary>
    static JsonObject ToEndpoint(JsonObject pod, JsonObject? node, JsonObject service, string addressType)
    {
        var serving = Workloads.PodState.IsReady(pod);
        var terminating = Workloads.PodState.IsTerminating(pod);
        var ready = ServiceSpec.PublishNotReadyAddresses(service) || (serving && !terminating);
        var endpoint = new JsonObject
        {
            ["addresses"] = new JsonArray([.. PodEndpoint.Addresses(pod, addressType).Select(a => (JsonNode)a)]),
            ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = serving, ["terminating"] = terminating },
        };
        if (PodEndpoint.ShouldSetHostname(pod, service)) endpoint["hostname"] = pod.Obj("spec").Str("hostname");
        endpoint["targetRef"] = PodEndpoint.TargetRef(pod);
        if (pod.Obj("spec").Str("nodeName") is { Length: > 0 } nodeName) endpoint["nodeName"] = nodeName;
        if (node?.Labels().Str("topology.kubernetes.io/zone") is { Length: > 0 } zone) endpoint["zone"] = zone;
        return endpoint;
    }

    JsonObject NewSlice(JsonObject service, JsonArray ports, string addressType)
    {
        var (labels, _) = SliceLabels(null, service);
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["generateName"] = service.Name() + "-",
                ["namespace"] = service.Namespace(),
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(SliceShape.ControllerRef(service, "Service")),
            },
            ["addressType"] = addressType,
            ["endpoints"] = new JsonArray(),
            ["ports"] = ports.DeepClone(),
        };
    }

    static readonly string[] ReservedLabels = [EndpointNames.ServiceNameLabel, EndpointNames.ManagedByLabel, EndpointNames.HeadlessLabel];

    /// <summary>setEndpointSliceLabels: the Service's labels (reserved keys excluded), headless, service-name and managed-by; and whether the slice's own differ.</summary>
    (JsonObject Labels, bool Changed) SliceLabels(JsonObject? current, JsonObject service)
    {
        var mine = SliceShape.Without(current, ReservedLabels);
        var wanted = SliceShape.Without(service.Labels(), ReservedLabels);
        var changed = !SliceShape.SameLabels(mine, wanted);
        if (!ServiceSpec.IsServiceIPSet(service)) wanted[EndpointNames.HeadlessLabel] = "";
        wanted[EndpointNames.ServiceNameLabel] = service.Name();
        wanted[EndpointNames.ManagedByLabel] = controllerName;
        return (wanted, changed);
    }

    /// <summary>placeholderSliceCompare: same namespace, labels and owner, no ports and no endpoints.</summary>
    static bool IsSamePlaceholder(JsonObject existing, JsonObject placeholder) =>
        SliceShape.Endpoints(existing).Count == 0 && (existing.Arr("ports")?.Count ?? 0) == 0
        && existing.Namespace() == placeholder.Namespace()
        && SliceShape.SameLabels(existing.Labels(), placeholder.Labels())
        && JsonNode.DeepEquals(existing.Obj("metadata")?["ownerReferences"], placeholder.Obj("metadata")?["ownerReferences"]);
}
