using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's endpointslicemirroring reconciler, as a pure function: the (repacked) subsets of a hand-written Endpoints
/// become one EndpointSlice per subset and address family (at most maxEndpointsPerSubset addresses each), owned by
/// the Endpoints, carrying its labels and annotations; an unchanged slice is left as it is.
/// </summary>
internal sealed class MirroringReconciler(int maxEndpointsPerSubset)
{
    public const string Controller = EndpointNames.MirroringControllerName;

    public sealed record Result(SlicePlan Plan, int InvalidAddresses, int SkippedAddresses);

    public Result Reconcile(JsonObject endpoints, IReadOnlyList<JsonObject> existing)
    {
        var entries = new List<EndpointSubsets.Entry>();
        foreach (var subset in (endpoints.Arr("subsets") ?? []).OfType<JsonObject>())
        {
            var ports = subset.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];
            foreach (var (field, ready) in new[] { ("addresses", true), ("notReadyAddresses", false) })
                foreach (var address in (subset.Arr(field) ?? []).OfType<JsonObject>())
                {
                    if (ports.Count == 0) entries.Add(new(address, null, ready));
                    foreach (var port in ports) entries.Add(new(address, port, ready));
                }
        }
        var subsets = EndpointSubsets.Repack(entries);

        // desired endpoints and ports by (address type, port set)
        var desired = new Dictionary<string, (string Type, JsonArray Ports, EndpointSet Set)>();
        var invalid = 0;
        var skipped = 0;
        foreach (var subset in subsets.OfType<JsonObject>())
        {
            var ports = new JsonArray([.. (subset.Arr("ports") ?? []).OfType<JsonObject>().Select(ToSlicePort)]);
            var total = (subset.Arr("addresses")?.Count ?? 0) + (subset.Arr("notReadyAddresses")?.Count ?? 0);
            var added = 0;
            foreach (var (field, ready) in new[] { ("addresses", true), ("notReadyAddresses", false) })
                foreach (var address in (subset.Arr(field) ?? []).OfType<JsonObject>())
                {
                    if (added >= maxEndpointsPerSubset) break;
                    if (PodEndpoint.AddressTypeOf(address.Str("ip") ?? "") is not { } type) { invalid++; continue; }
                    var key = type + "#" + SliceShape.PortKey(ports);
                    if (!desired.TryGetValue(key, out var group)) desired[key] = group = (type, ports, new EndpointSet());
                    group.Set.Insert(ToEndpoint(address, ready));
                    added++;
                }
            skipped += total - added;
        }

        var existingByKey = existing.GroupBy(s => s.Str("addressType") + "#" + SliceShape.PortKey(s.Arr("ports"))).ToDictionary(g => g.Key, g => g.ToList());
        var plan = new SlicePlan();
        foreach (var (key, (type, ports, set)) in desired)
            ReconcileByPortMapping(endpoints, existingByKey.GetValueOrDefault(key) ?? [], set, ports, type, plan);
        foreach (var (key, slices) in existingByKey)
            if (!desired.ContainsKey(key)) plan.Delete.AddRange(slices);
        plan.RecycleDeletes(s => SliceShape.OwnedBy(s, endpoints, "Endpoints"));
        return new Result(plan, invalid, skipped);
    }

    void ReconcileByPortMapping(JsonObject endpoints, List<JsonObject> existing, EndpointSet desired, JsonArray ports, string type, SlicePlan plan)
    {
        if (desired.Count == 0) { plan.Delete.AddRange(existing); return; }
        if (existing.Count > 0)
        {
            plan.Delete.AddRange(existing.Skip(1));
            var first = existing[0];
            var compareAnnotations = SliceShape.Without(endpoints.Obj("metadata")?.Obj("annotations"), EndpointNames.LastChangeTriggerTime, EndpointNames.LastAppliedConfiguration);
            var compareLabels = SliceShape.Without(first.Labels(), EndpointNames.ManagedByLabel, EndpointNames.ServiceNameLabel);
            if (Unchanged(first, desired) && SliceShape.SameLabels(endpoints.Labels(), compareLabels)
                && SliceShape.SameLabels(compareAnnotations, first.Obj("metadata")?.Obj("annotations")))
                return;
        }
        var slice = NewSlice(endpoints, ports, type, existing.Count > 0 ? existing[0] : null);
        var list = (JsonArray)slice["endpoints"]!;
        while (desired.Count > 0 && list.Count < maxEndpointsPerSubset) list.Add((JsonNode)desired.PopAny());
        (existing.Count > 0 ? plan.Update : plan.Create).Add(slice);
    }

    /// <summary>totalChanges == 0: the slice holds exactly the desired endpoints.</summary>
    static bool Unchanged(JsonObject slice, EndpointSet desired)
    {
        var current = SliceShape.Endpoints(slice);
        return current.Count == desired.Count && current.All(e => desired.Get(e) is { } want && JsonNode.DeepEquals(want, e));
    }

    static JsonObject NewSlice(JsonObject endpoints, JsonArray ports, string type, JsonObject? replacing)
    {
        var labels = SliceShape.Without(endpoints.Labels());
        labels[EndpointNames.ServiceNameLabel] = endpoints.Name();
        labels[EndpointNames.ManagedByLabel] = Controller;
        var meta = new JsonObject
        {
            ["namespace"] = endpoints.Namespace(),
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(SliceShape.ControllerRef(endpoints, "Endpoints")),
        };
        var annotations = SliceShape.Without(endpoints.Obj("metadata")?.Obj("annotations"), EndpointNames.LastChangeTriggerTime, EndpointNames.LastAppliedConfiguration);
        if (annotations.Count > 0) meta["annotations"] = annotations;
        if (replacing is null) meta["generateName"] = endpoints.Name() + "-";
        else
        {
            meta["name"] = replacing.Name();
            if (replacing.Obj("metadata")?["resourceVersion"] is { } rv) meta["resourceVersion"] = rv.DeepClone();
        }
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = meta,
            ["addressType"] = type,
            ["endpoints"] = new JsonArray(),
            ["ports"] = ports.DeepClone(),
        };
    }

    static JsonObject ToSlicePort(JsonObject port)
    {
        var result = new JsonObject { ["name"] = port.Str("name") ?? "", ["protocol"] = port.Str("protocol") ?? "TCP", ["port"] = port.Long("port") };
        if (port.Str("appProtocol") is { } app) result["appProtocol"] = app;
        return result;
    }

    /// <summary>addressToEndpoint: ready as given, targetRef, nodeName and hostname carried over.</summary>
    static JsonObject ToEndpoint(JsonObject address, bool ready)
    {
        var endpoint = new JsonObject
        {
            ["addresses"] = new JsonArray(address.Str("ip")),
            ["conditions"] = new JsonObject { ["ready"] = ready },
        };
        if (address.Str("hostname") is { Length: > 0 } hostname) endpoint["hostname"] = hostname;
        if (address.Obj("targetRef") is { } target) endpoint["targetRef"] = target.DeepClone();
        if (address.Str("nodeName") is { } node) endpoint["nodeName"] = node;
        return endpoint;
    }
}
