using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers;

/// <summary>
/// kube's namespace controller: a Namespace with a deletionTimestamp is marked Terminating, every namespaced
/// object of every type in it is deleted (Background propagation), objects held by finalizers are waited for,
/// the NamespaceDeletion*/NamespaceContentRemaining/NamespaceFinalizersRemaining conditions report progress, and
/// finally the "kubernetes" entry is removed from spec.finalizers through PUT namespaces/{name}/finalize.
/// Content is listed live from the API (as kube does through its metadata client), not from caches.
/// </summary>
public sealed class NamespaceController
{
    readonly ApiClient _client;
    readonly Informer _namespaces;
    readonly Action<string>? _log;
    readonly WorkQueue<string> _queue = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(60));

    readonly IReadOnlyList<ResourceType> _contentTypes;

    /// <summary><paramref name="types"/>: what discovery says is served with list and delete; the namespaced ones are emptied.</summary>
    public NamespaceController(SharedInformerFactory informers, IEnumerable<ResourceType> types, Action<string>? log = null)
    {
        _contentTypes = types.Where(t => t.Namespaced).ToList();
        _client = informers.Client;
        _log = log;
        _namespaces = informers.For(BuiltinResources.Namespace);
        _namespaces.AddEventHandler(onAdd: Enqueue, onUpdate: (_, ns) => Enqueue(ns));
    }

    void Enqueue(JsonObject ns)
    {
        if (ObjectMeta.IsBeingDeleted(ns)) _queue.Add(ObjectMeta.Name(ns));
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await _namespaces.WaitForSyncAsync(ct);
        await _queue.RunWorkersAsync(workers, ProcessAsync, ct, (name, e) => _log?.Invoke($"namespace controller: {name}: {e.Message}"));
        _queue.ShutDown();
    }

    async Task ProcessAsync(string name, CancellationToken ct)
    {
        var ns = await _client.TryGetAsync(BuiltinResources.Namespace, null, name, ct);
        if (ns is null || !ObjectMeta.IsBeingDeleted(ns)) return;
        if (ns["status"]?["phase"]?.GetValue<string>() != "Terminating")
        {
            ns["status"] ??= new JsonObject();
            ns["status"]!["phase"] = "Terminating";
            ns = await _client.UpdateStatusAsync(BuiltinResources.Namespace, ns, ct);
        }
        if (!SpecFinalizers(ns).Contains(Finalizers.Kubernetes)) return; // already finalized

        var result = await DeleteAllContentAsync(name, ct);
        var conditions = NamespaceConditions.Compute(result.Errors, result.RemainingByResource, result.RemainingByFinalizer);
        if (NamespaceConditions.Apply(ns, conditions, DateTime.UtcNow))
            ns = await _client.UpdateStatusAsync(BuiltinResources.Namespace, ns, ct);

        if (result.Errors.Count > 0)
            throw new InvalidOperationException($"content deletion failed: {string.Join(", ", result.Errors)}");
        if (result.RemainingByResource.Values.Any(n => n > 0))
        {
            // kube requeues after estimate/2+1 seconds, the estimate being the longest pod grace period left.
            _queue.AddAfter(name, TimeSpan.FromSeconds(result.EstimateSeconds / 2 + 1));
            return;
        }

        var finalizers = new JsonArray(SpecFinalizers(ns).Where(f => f != Finalizers.Kubernetes).Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
        var spec = ns["spec"] as JsonObject ?? (JsonObject)(ns["spec"] = new JsonObject());
        spec["finalizers"] = finalizers;
        try { await _client.UpdateSubresourceAsync(BuiltinResources.Namespace, ns, "finalize", ct); }
        catch (ApiException e) when (e.Code == 404) { }
        _log?.Invoke($"namespace controller: namespace {name} finalized");
    }

    static IReadOnlyList<string> SpecFinalizers(JsonObject ns) =>
        ns["spec"]?["finalizers"] is JsonArray a ? a.Select(f => f?.GetValue<string>() ?? "").ToList() : [];

    sealed record ContentResult(List<string> Errors, Dictionary<string, int> RemainingByResource, Dictionary<string, int> RemainingByFinalizer, long EstimateSeconds);

    async Task<ContentResult> DeleteAllContentAsync(string ns, CancellationToken ct)
    {
        var result = new ContentResult([], [], [], 0);
        long estimate = 0;
        foreach (var type in _contentTypes)
        {
            try
            {
                var items = await ListItemsAsync(type, ns, ct);
                foreach (var item in items.Where(i => !ObjectMeta.IsBeingDeleted(i)))
                {
                    try { await _client.DeleteAsync(type, ns, ObjectMeta.Name(item), DeleteOptions.Background, ct); }
                    catch (ApiException e) when (e.Code is 404 or 409) { } // gone already, or replaced meanwhile (next pass)
                }
                var remaining = await ListItemsAsync(type, ns, ct);
                if (remaining.Count == 0) continue;
                // kube's key is gvr.Resource + "." + gvr.Group.
                var key = $"{type.Plural}.{type.Group}";
                result.RemainingByResource[key] = result.RemainingByResource.GetValueOrDefault(key) + remaining.Count;
                foreach (var item in remaining)
                {
                    foreach (var f in ObjectMeta.Finalizers(item))
                        result.RemainingByFinalizer[f] = result.RemainingByFinalizer.GetValueOrDefault(f) + 1;
                    if (type == BuiltinResources.Pod) estimate = Math.Max(estimate, PodGraceSeconds(item));
                }
            }
            catch (ApiException e) when (e.Code == 404) { } // a type this server does not serve has no content
            catch (ApiException e)
            {
                result.Errors.Add($"{type.GroupResource}: {e.Message}"); // kube keeps going with the other types
            }
        }
        return result with { EstimateSeconds = estimate };
    }

    async Task<List<JsonObject>> ListItemsAsync(ResourceType type, string ns, CancellationToken ct)
    {
        var list = await _client.ListAsync(type, ns, ct: ct);
        return list["items"] is JsonArray a ? a.OfType<JsonObject>().ToList() : [];
    }

    /// <summary>kube's estimateGracefulTerminationForPods: terminated pods need no time, others spec.terminationGracePeriodSeconds.</summary>
    static long PodGraceSeconds(JsonObject pod)
    {
        var phase = pod["status"]?["phase"]?.GetValue<string>();
        if (phase is "Succeeded" or "Failed") return 0;
        return pod["spec"]?["terminationGracePeriodSeconds"] is JsonValue t && t.TryGetValue<long>(out var grace) ? grace : 0;
    }
}
