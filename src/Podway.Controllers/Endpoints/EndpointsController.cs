using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Controllers.Workloads;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's Endpoints controller (pkg/controller/endpoint): keeps the legacy v1 Endpoints of every Service with a
/// selector in step with its Pods (ready addresses, notReadyAddresses, ports resolved per Pod and repacked into
/// subsets), labelled like the Service plus endpoints.kubernetes.io/managed-by, truncated at 1000 addresses with the
/// over-capacity annotation; deletes the Endpoints of a deleted Service, and at start those left without a Service.
/// Selector-less Services (like `kubernetes` in default) are left alone.
/// </summary>
public sealed class EndpointsController
{
    public const string ControllerName = EndpointNames.EndpointControllerName;

    readonly ApiClient _client;
    readonly Informer _services, _pods, _endpoints;
    readonly WorkQueue<string> _queue = new();
    readonly TriggerTimeTracker _triggerTimes = new();
    readonly EventRecorder _recorder;
    /// <summary>staleEndpointsTracker: the resourceVersion each write replaced; seeing it again in the cache means the cache lags.</summary>
    readonly ConcurrentDictionary<string, string> _replaced = new();
    readonly Action<string>? _log;

    public EndpointsController(SharedInformerFactory informers, Action<string>? log = null)
    {
        _client = informers.Client;
        _log = log;
        _recorder = new EventRecorder(_client, ControllerName, log: log);
        _services = informers.For(BuiltinResources.Service);
        _pods = informers.For(BuiltinResources.Pod);
        _endpoints = informers.For(BuiltinResources.Endpoints);
        _services.AddEventHandler(s => _queue.Add(ObjectMeta.Key(s)), (_, s) => _queue.Add(ObjectMeta.Key(s)), s => _queue.Add(ObjectMeta.Key(s)));
        ServiceQueue.Attach(_pods, _services, _queue);
        _endpoints.AddEventHandler(onDelete: e => _queue.Add(ObjectMeta.Key(e)));
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_services.WaitForSyncAsync(ct), _pods.WaitForSyncAsync(ct), _endpoints.WaitForSyncAsync(ct));
        // checkLeftoverEndpoints: Endpoints whose Service went while the controller was down.
        foreach (var endpoints in _endpoints.Cache.List())
            if (endpoints.Obj("metadata")?.Obj("annotations")?[EndpointNames.LeaderElectionAnnotation] is null)
                _queue.Add(ObjectMeta.Key(endpoints));
        await _queue.RunWorkersAsync(workers, SyncAsync, ct, (key, e) => _log?.Invoke($"{ControllerName}: sync {key}: {e.Message}"));
    }

    async Task SyncAsync(string key, CancellationToken ct)
    {
        var service = _services.Cache.Get(key);
        var (ns, name) = Split(key);
        if (service is null)
        {
            try { await _client.DeleteAsync(BuiltinResources.Endpoints, ns, name, ct: ct); }
            catch (ApiException e) when (e.Code == 404) { }
            _triggerTimes.DeleteService(key);
            _replaced.TryRemove(key, out _);
            return;
        }
        if (ServiceSpec.IsExternalName(service) || ServiceSpec.Selector(service) is null) return;

        var publishNotReady = ServiceSpec.PublishNotReadyAddresses(service);
        var pods = _pods.Cache.ByIndex(InformerCache.NamespaceIndex, ns).Where(p => ServiceSpec.IsPodOf(p, service)).ToList();
        var triggerTime = _triggerTimes.Compute(key, service, pods);
        var subsets = EndpointSubsets.Repack(Entries(service, pods, publishNotReady));

        var current = _endpoints.Cache.Get(key);
        if (current is not null && _replaced.TryGetValue(key, out var old) && old == ObjectMeta.ResourceVersion(current))
            throw new StaleCacheException($"endpoints informer cache is out of date, resource version {old} already processed for endpoints {key}");

        var currentLabels = SliceShape.Without(current?.Labels(), EndpointNames.HeadlessLabel, EndpointNames.EndpointsManagedByLabel);
        if (current is not null
            && JsonNode.DeepEquals(current["subsets"] as JsonArray ?? [], subsets)
            && SliceShape.SameLabels(currentLabels, service.Labels())
            && current.Labels().Str(EndpointNames.EndpointsManagedByLabel) == ControllerName
            && CapacityAnnotationCorrect(current))
            return;

        var desired = current is null
            ? new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Endpoints", ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns } }
            : (JsonObject)current.DeepClone();
        if (subsets.Count > 0) desired["subsets"] = subsets;
        else desired.Remove("subsets"); // omitempty: `kubectl get endpoints` shows <none>
        var labels = SliceShape.Without(service.Labels());
        if (!ServiceSpec.IsServiceIPSet(service)) labels[EndpointNames.HeadlessLabel] = "";
        labels[EndpointNames.EndpointsManagedByLabel] = ControllerName;
        desired.Metadata()["labels"] = labels;
        TriggerTimeTracker.Annotate(desired, triggerTime);
        var annotations = desired.Metadata().Ensure("annotations");
        if (EndpointSubsets.Truncate(subsets)) annotations[EndpointNames.OverCapacity] = "truncated";
        else annotations.Remove(EndpointNames.OverCapacity);
        if (annotations.Count == 0) desired.Metadata().Remove("annotations");

        try
        {
            if (current is null) await _client.CreateAsync(BuiltinResources.Endpoints, ns, desired, ct);
            else
            {
                var updated = await _client.UpdateAsync(BuiltinResources.Endpoints, desired, ct);
                if (ObjectMeta.ResourceVersion(updated) != ObjectMeta.ResourceVersion(current)) _replaced[key] = ObjectMeta.ResourceVersion(current) ?? "";
            }
        }
        catch (ApiException e) when (current is null && e.Code == 403 && e.Message.Contains("being terminated")) { }
        catch (ApiException e)
        {
            var (reason, message) = current is null
                ? ("FailedToCreateEndpoint", $"Failed to create endpoint for service {ns}/{name}: {e.Message}")
                : ("FailedToUpdateEndpoint", $"Failed to update endpoint {ns}/{name}: {e.Message}");
            await _recorder.RecordAsync(desired, "Warning", reason, message, ct);
            throw;
        }
    }

    static IEnumerable<EndpointSubsets.Entry> Entries(JsonObject service, List<JsonObject> pods, bool publishNotReady)
    {
        foreach (var pod in pods)
        {
            if (!PodEndpoint.ShouldBeInEndpoints(pod, includeTerminating: publishNotReady)) continue;
            var address = Address(pod, service);
            if (address is null) continue;
            var ready = publishNotReady || PodState.IsReady(pod);
            var ports = ServiceSpec.Ports(service);
            if (ports.Count == 0)
            {
                if (ServiceSpec.IsHeadless(service)) yield return new(address, null, ready);
                continue;
            }
            foreach (var servicePort in ports)
            {
                if (PodEndpoint.FindPort(pod, servicePort) is not { } number) continue;
                var port = new JsonObject();
                if (servicePort.Str("name") is { Length: > 0 } portName) port["name"] = portName;
                port["port"] = number;
                port["protocol"] = servicePort.Str("protocol") ?? "TCP";
                if (servicePort.Str("appProtocol") is { } app) port["appProtocol"] = app;
                yield return new(address, port, ready);
            }
        }
    }

    /// <summary>podToEndpointAddressForService: the Pod's IP of the Service's family, nodeName, targetRef, and hostname when it applies.</summary>
    static JsonObject? Address(JsonObject pod, JsonObject service)
    {
        var family = ServiceSpec.AddressTypes(service)[0];
        var ip = PodEndpoint.Addresses(pod, family).FirstOrDefault();
        if (ip is null) return null;
        var address = new JsonObject { ["ip"] = ip };
        if (PodEndpoint.ShouldSetHostname(pod, service)) address["hostname"] = pod.Obj("spec").Str("hostname");
        address["nodeName"] = pod.Obj("spec").Str("nodeName") ?? "";
        address["targetRef"] = PodEndpoint.TargetRef(pod);
        return address;
    }

    /// <summary>capacityAnnotationSetCorrectly: never more than capacity, and the annotation only when truncated.</summary>
    static bool CapacityAnnotationCorrect(JsonObject endpoints) =>
        EndpointSubsets.Count(endpoints["subsets"] as JsonArray ?? []) <= EndpointSubsets.MaxCapacity
        && endpoints.Obj("metadata")?.Obj("annotations")?[EndpointNames.OverCapacity] is null;

    static (string Ns, string Name) Split(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}
