using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Trace;

/// <summary>
/// The objects one trace reads, each fetched from the API at most once (the same list serves several layers), and
/// only what the path needs: a Service trace never lists the cluster's other Services.
/// </summary>
internal sealed class ClusterObjects(ApiClient api, CancellationToken ct)
{
    readonly ConcurrentDictionary<string, Task<JsonObject?>> _gets = new();
    readonly ConcurrentDictionary<string, Task<IReadOnlyList<JsonObject>>> _lists = new();

    public Task<JsonObject?> GetAsync(ResourceType type, string? ns, string name) =>
        _gets.GetOrAdd($"{type.Plural}/{ns}/{name}", _ => api.TryGetAsync(type, ns, name, ct));

    public Task<IReadOnlyList<JsonObject>> ListAsync(ResourceType type, string? ns = null, string? labelSelector = null, string? fieldSelector = null) =>
        _lists.GetOrAdd($"{type.Plural}/{ns}/{labelSelector}/{fieldSelector}", async _ =>
        {
            var list = await api.ListAsync(type, ns, new ListOptions { LabelSelector = labelSelector, FieldSelector = fieldSelector }, ct);
            return (IReadOnlyList<JsonObject>)[.. (list["items"] as JsonArray ?? []).OfType<JsonObject>()];
        });

    public Task<IReadOnlyList<JsonObject>> SlicesOfAsync(string ns, string service) =>
        ListAsync(BuiltinResources.EndpointSlice, ns, $"kubernetes.io/service-name={service}");
}
