using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// endpointsliceutil.EndpointSet: EndpointSlice endpoints keyed by what identifies them (addresses, hostname, target
/// name), so an existing endpoint can be found, compared and kept in place. Pops in insertion order (kube's is random).
/// </summary>
internal sealed class EndpointSet
{
    readonly OrderedDictionary<string, JsonObject> _items = new(StringComparer.Ordinal);

    public static string KeyOf(JsonObject endpoint)
    {
        var addresses = (endpoint.Arr("addresses") ?? []).Select(a => a?.GetValue<string>() ?? "").Order(StringComparer.Ordinal);
        var target = endpoint.Obj("targetRef");
        return string.Join(",", addresses) + "|" + endpoint.Str("hostname") + "|" + target.Str("namespace") + "/" + target.Str("name");
    }

    public int Count => _items.Count;

    public void Insert(JsonObject endpoint) => _items[KeyOf(endpoint)] = endpoint;

    public JsonObject? Get(JsonObject endpoint) => _items.GetValueOrDefault(KeyOf(endpoint));

    public void Delete(JsonObject endpoint) => _items.Remove(KeyOf(endpoint));

    public JsonObject PopAny()
    {
        var endpoint = _items.GetAt(0).Value;
        _items.RemoveAt(0);
        return endpoint;
    }
}
