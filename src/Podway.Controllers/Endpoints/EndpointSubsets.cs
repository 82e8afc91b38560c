using System.Net;
using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Endpoints;

/// <summary>
/// v1 Endpoints subsets (pkg/api/v1/endpoints RepackSubsets, and the endpoints controller's truncation): addresses
/// that serve the same set of ports share one subset; an address not ready on any of its ports is not ready.
/// </summary>
internal static class EndpointSubsets
{
    public const int MaxCapacity = 1000;

    /// <summary>One address serving one port (null port: a headless Service without ports).</summary>
    public sealed record Entry(JsonObject Address, JsonObject? Port, bool Ready);

    public static JsonArray Repack(IEnumerable<Entry> entries)
    {
        // port -> (address key -> ready); "not ready always trumps ready".
        var addresses = new Dictionary<string, JsonObject>();
        var byPort = new Dictionary<string, (JsonObject? Port, Dictionary<string, bool> Ready)>();
        foreach (var (address, port, ready) in entries)
        {
            var addressKey = address.Str("ip") + "|" + address.Obj("targetRef").Str("uid");
            addresses.TryAdd(addressKey, address);
            var portKey = port is null ? "" : port.ToJsonString();
            if (!byPort.TryGetValue(portKey, out var set)) byPort[portKey] = set = (port, new Dictionary<string, bool>());
            if (!set.Ready.TryGetValue(addressKey, out var was) || was) set.Ready[addressKey] = ready;
        }

        // Group the ports by the exact set of (address, readiness) that serves them.
        var groups = new Dictionary<string, (Dictionary<string, bool> Ready, List<JsonObject> Ports)>();
        foreach (var (_, (port, ready)) in byPort)
        {
            var groupKey = string.Join(",", ready.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
            if (!groups.TryGetValue(groupKey, out var group)) groups[groupKey] = group = (ready, []);
            if (port is not null) group.Ports.Add(port);
        }

        var subsets = new List<JsonObject>();
        foreach (var (ready, ports) in groups.Values)
        {
            var subset = new JsonObject();
            var readyAddresses = Sorted(ready.Where(p => p.Value).Select(p => addresses[p.Key]));
            var notReady = Sorted(ready.Where(p => !p.Value).Select(p => addresses[p.Key]));
            if (readyAddresses.Count > 0) subset["addresses"] = new JsonArray([.. readyAddresses.Select(a => a.DeepClone())]);
            if (notReady.Count > 0) subset["notReadyAddresses"] = new JsonArray([.. notReady.Select(a => a.DeepClone())]);
            if (ports.Count > 0)
                subset["ports"] = new JsonArray([.. ports.OrderBy(p => p.Str("name"), StringComparer.Ordinal).ThenBy(p => p["port"]?.GetValue<int>()).Select(p => p.DeepClone())]);
            subsets.Add(subset);
        }
        // kube orders subsets by a hash of their content; any fixed order will do, this one is readable.
        return new JsonArray([.. subsets.OrderBy(FirstAddress, StringComparer.Ordinal).ThenBy(s => s.ToJsonString(), StringComparer.Ordinal)]);
    }

    static string FirstAddress(JsonObject subset) =>
        ((subset.Arr("addresses") ?? subset.Arr("notReadyAddresses"))?.FirstOrDefault() as JsonObject).Str("ip") ?? "";

    /// <summary>LessEndpointAddress: by IP (as bytes), then target uid.</summary>
    static List<JsonObject> Sorted(IEnumerable<JsonObject> addresses) =>
        addresses.OrderBy(a => IpBytes(a.Str("ip")), Comparer<byte[]>.Create(CompareBytes)).ThenBy(a => a.Obj("targetRef").Str("uid"), StringComparer.Ordinal).ToList();

    static byte[] IpBytes(string? ip) => IPAddress.TryParse(ip, out var parsed) ? parsed.MapToIPv6().GetAddressBytes() : [];

    static int CompareBytes(byte[]? a, byte[]? b)
    {
        a ??= []; b ??= [];
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return a[i].CompareTo(b[i]);
        return a.Length.CompareTo(b.Length);
    }

    public static int Count(JsonArray subsets) =>
        subsets.OfType<JsonObject>().Sum(s => (s.Arr("addresses")?.Count ?? 0) + (s.Arr("notReadyAddresses")?.Count ?? 0));

    /// <summary>
    /// truncateEndpoints: over MaxCapacity addresses, each subset keeps its proportional share (rounded up), ready
    /// addresses first; returns whether anything was cut.
    /// </summary>
    public static bool Truncate(JsonArray subsets)
    {
        var list = subsets.OfType<JsonObject>().ToList();
        var totalReady = list.Sum(s => s.Arr("addresses")?.Count ?? 0);
        var totalNotReady = list.Sum(s => s.Arr("notReadyAddresses")?.Count ?? 0);
        if (totalReady + totalNotReady <= MaxCapacity) return false;

        var truncateReady = totalReady > MaxCapacity;
        var max = truncateReady ? MaxCapacity : MaxCapacity - totalReady;
        var numTotal = truncateReady ? totalReady : totalNotReady;
        var canBeAdded = max;
        foreach (var subset in list)
        {
            var field = truncateReady ? "addresses" : "notReadyAddresses";
            var inSubset = subset.Arr(field)?.Count ?? 0;
            var toBeAdded = Math.Min((int)Math.Ceiling((double)inSubset / numTotal * max), canBeAdded);
            if (subset.Arr(field) is { } arr)
                while (arr.Count > toBeAdded) arr.RemoveAt(arr.Count - 1);
            if (truncateReady) subset.Remove("notReadyAddresses");
            canBeAdded -= subset.Arr(field)?.Count ?? 0;
            if (subset.Arr(field) is { Count: 0 }) subset.Remove(field);
        }
        return true;
    }
}
