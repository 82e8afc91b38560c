using System.Globalization;
using System.Text.Json.Nodes;
using Podway.Client;

namespace Podway.Proxy.Tracking;

/// <summary>
/// EndpointSlices grouped by Service, and which Services' endpoints changed since the last sync (kube-proxy's
/// EndpointsChangeTracker). Also remembers each changed slice's `endpoints.kubernetes.io/last-change-trigger-time`
/// so the sync can report network programming latency the way kube-proxy does.
/// </summary>
internal sealed class EndpointsChangeTracker(DateTimeOffset startTime)
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

    readonly Lock _gate = new();
    /// <summary>service key -> slice name -> parsed slice.</summary>
    readonly Dictionary<string, Dictionary<string, SliceInfo>> _slices = new(StringComparer.Ordinal);
    readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<DateTimeOffset>> _triggerTimes = new(StringComparer.Ordinal);

    internal sealed record SlicePort(string Name, int Port, string Protocol);
    internal sealed record SliceInfo(EquatableList<SlicePort> Ports, EquatableList<EndpointInfo> Endpoints);

    /// <summary>Records a slice add/update (removed false) or delete; true when its Service's endpoints changed.</summary>
    public bool Update(JsonObject slice, bool removed)
    {
        var labels = slice["metadata"]?["labels"] as JsonObject;
        if ((string?)labels?[ServiceNameLabel] is not { Length: > 0 } service) return false;
        if ((string?)slice["addressType"] is { } family && family != "IPv4") return false;
        var key = ObjectMeta.Key(ObjectMeta.Namespace(slice), service);
        var name = ObjectMeta.Name(slice);
        var info = removed ? null : Parse(slice);
        lock (_gate)
        {
            var slices = _slices.GetValueOrDefault(key);
            var before = slices?.GetValueOrDefault(name);
            if (before == info) return false;
            if (info is null) { slices!.Remove(name); if (slices.Count == 0) _slices.Remove(key); }
            else (slices ??= _slices[key] = new(StringComparer.Ordinal))[name] = info;
            _changed.Add(key);
            // kube-proxy ignores trigger times from before it started: those changes were programmed by the full sync.
            if (!removed && TriggerTime(slice) is { } t && t > startTime)
                (_triggerTimes.TryGetValue(key, out var list) ? list : _triggerTimes[key] = []).Add(t);
            return true;
        }
    }

    /// <summary>Services whose endpoints changed since the last call, their trigger times, and a snapshot view.</summary>
    public (HashSet<string> Changed, List<DateTimeOffset> TriggerTimes, EndpointsView View) TakeChanges()
    {
        lock (_gate)
        {
            var changed = new HashSet<string>(_changed, StringComparer.Ordinal);
            var times = _triggerTimes.Values.SelectMany(t => t).ToList();
            _changed.Clear();
            _triggerTimes.Clear();
            var snapshot = _slices.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<SliceInfo>)[.. kv.Value.Values], StringComparer.Ordinal);
            return (changed, times, new EndpointsView(snapshot));
        }
    }

    /// <summary>The endpoints of one Service port now (not waiting for a sync; the flow log asks).</summary>
    public IReadOnlyList<EndpointInfo> Current(string serviceKey, string portName, string protocol)
    {
        lock (_gate)
            return _slices.TryGetValue(serviceKey, out var slices)
                ? new EndpointsView(new Dictionary<string, IReadOnlyList<SliceInfo>> { [serviceKey] = [.. slices.Values] }).For(serviceKey, portName, protocol)
                : [];
    }

    static SliceInfo Parse(JsonObject slice)
    {
        var ports = (slice["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => new SlicePort((string?)p["name"] ?? "", (int?)p["port"] ?? 0, ((string?)p["protocol"] ?? "TCP").ToLowerInvariant()));
        var endpoints = new EquatableList<EndpointInfo>();
        foreach (var ep in (slice["endpoints"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var c = ep["conditions"] as JsonObject;
            // Nil ready means ready and nil serving means "same as ready" (discovery/v1 API docs).
            var ready = (bool?)c?["ready"] ?? true;
            var serving = (bool?)c?["serving"] ?? ready;
            var terminating = (bool?)c?["terminating"] ?? false;
            foreach (var ip in (ep["addresses"] as JsonArray ?? []).Select(a => (string?)a).OfType<string>().Take(1))
                endpoints.Add(new EndpointInfo(ip, 0, ready, serving, terminating, (string?)ep["nodeName"], (string?)ep["zone"]));
        }
        return new SliceInfo([.. ports], endpoints);
    }

    static DateTimeOffset? TriggerTime(JsonObject slice) =>
        (string?)slice["metadata"]?["annotations"]?[TriggerTimeAnnotation] is { } s
        && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

/// <summary>A snapshot of every Service's slices; resolves the endpoints of one Service port.</summary>
internal sealed class EndpointsView(IReadOnlyDictionary<string, IReadOnlyList<EndpointsChangeTracker.SliceInfo>> slices)
{
    /// <summary>Addresses of every ready endpoint: where new connections may be sent once this view is programmed.</summary>
    public HashSet<string> ReadyIps() =>
        slices.Values.SelectMany(list => list).SelectMany(s => s.Endpoints).Where(e => e.Ready).Select(e => e.Ip).ToHashSet(StringComparer.Ordinal);

    public static readonly EndpointsView Empty = new(new Dictionary<string, IReadOnlyList<EndpointsChangeTracker.SliceInfo>>());

    /// <summary>Endpoints for a Service port by name and protocol, merged over slices (ip:port duplicates collapse, a ready copy wins).</summary>
    public IReadOnlyList<EndpointInfo> For(string serviceKey, string portName, string protocol)
    {
        if (!slices.TryGetValue(serviceKey, out var list)) return [];
        var merged = new Dictionary<string, EndpointInfo>(StringComparer.Ordinal);
        foreach (var s in list)
            foreach (var p in s.Ports)
            {
                if (p.Name != portName || p.Protocol != protocol || p.Port <= 0) continue;
                foreach (var e in s.Endpoints)
                {
                    var ep = e with { Port = p.Port };
                    if (!merged.TryGetValue(ep.Address, out var existing) || (!existing.Ready && ep.Ready)) merged[ep.Address] = ep;
                }
            }
        return [.. merged.Values.OrderBy(e => e.Address, StringComparer.Ordinal)];
    }
}
