using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Client;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// kube's EndpointSliceTracker: the generation of every slice this controller wrote, per Service, so that a sync on a
/// cache that has not yet seen those writes stops (and retries) instead of creating duplicates, and so that the
/// controller's own writes coming back through the informer do not queue another sync.
/// </summary>
internal sealed class SliceTracker
{
    const long DeletionExpected = -1;
    readonly Lock _gate = new();
    readonly Dictionary<string, Dictionary<string, long>> _byService = [];

    /// <summary>The "namespace/service" a slice belongs to, by its kubernetes.io/service-name label.</summary>
    public static string ServiceKey(JsonObject slice) =>
        ObjectMeta.Key(slice.Namespace(), slice.Labels().Str(EndpointNames.ServiceNameLabel) ?? "");

    static long Generation(JsonObject slice) => slice.Obj("metadata").Long("generation") ?? 0;

    public void Update(JsonObject slice)
    {
        lock (_gate) For(ServiceKey(slice))[slice.Uid() ?? ""] = Generation(slice);
    }

    public void ExpectDeletion(JsonObject slice)
    {
        lock (_gate) For(ServiceKey(slice))[slice.Uid() ?? ""] = DeletionExpected;
    }

    /// <summary>False when this is a generation the controller wrote itself.</summary>
    public bool ShouldSync(JsonObject slice)
    {
        lock (_gate)
            return !_byService.TryGetValue(ServiceKey(slice), out var generations)
                || !generations.TryGetValue(slice.Uid() ?? "", out var g) || Generation(slice) > g;
    }

    public bool Has(JsonObject slice)
    {
        lock (_gate) return _byService.TryGetValue(ServiceKey(slice), out var g) && g.ContainsKey(slice.Uid() ?? "");
    }

    /// <summary>Forgets a deleted slice; false when the deletion was not this controller's doing.</summary>
    public bool HandleDeletion(JsonObject slice)
    {
        lock (_gate)
        {
            if (!_byService.TryGetValue(ServiceKey(slice), out var generations)) return true;
            var known = generations.Remove(slice.Uid() ?? "", out var g);
            return !known || g == DeletionExpected;
        }
    }

    /// <summary>True when the cached slices lag what this controller wrote (a slice missing, older, or still there after its deletion).</summary>
    public bool Stale(string serviceKey, IEnumerable<JsonObject> slices)
    {
        lock (_gate)
        {
            if (!_byService.TryGetValue(serviceKey, out var generations)) return false;
            var seen = new HashSet<string>();
            foreach (var slice in slices)
            {
                seen.Add(slice.Uid() ?? "");
                if (generations.TryGetValue(slice.Uid() ?? "", out var g) && (g == DeletionExpected || g > Generation(slice))) return true;
            }
            return generations.Any(p => p.Value != DeletionExpected && !seen.Contains(p.Key));
        }
    }

    public void DeleteService(string serviceKey)
    {
        lock (_gate) _byService.Remove(serviceKey);
    }

    Dictionary<string, long> For(string key)
    {
        if (!_byService.TryGetValue(key, out var g)) _byService[key] = g = [];
        return g;
    }
}

/// <summary>Thrown when a sync finds the informer cache behind the controller's own writes; the queue retries with back-off.</summary>
internal sealed class StaleCacheException(string message) : Exception(message);
