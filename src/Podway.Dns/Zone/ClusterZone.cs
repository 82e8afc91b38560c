using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Podway.Dns.Zone;

/// <summary>
/// The cluster's DNS data: a slim view of Services and EndpointSlices, keyed the way queries arrive
/// ("svc.ns" and reverse names) so a lookup is one dictionary probe on a span of the question, without allocating.
/// Writers (informer handlers) serialize on a lock and publish immutable per-Service records; readers never lock.
/// </summary>
public sealed class ClusterZone
{
    readonly Lock _write = new();
    readonly Dictionary<string, ServiceSpec> _specs = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, Dictionary<string, SliceEndpoints>> _slicesByService = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, string> _sliceOwner = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<string>> _ptrMaster = new(StringComparer.OrdinalIgnoreCase);

    readonly ConcurrentDictionary<string, ServiceRecords> _services = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentDictionary<string, int> _namespaces = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentDictionary<string, string[]> _ptr = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentDictionary<string, ServiceRecords>.AlternateLookup<ReadOnlySpan<char>> _servicesBySpan;
    readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _namespacesBySpan;
    readonly ConcurrentDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _ptrBySpan;
    long _serial;

    /// <param name="domain">The cluster domain, "cluster.local".</param>
    /// <param name="ttl">TTL of every answer and the SOA minimum; CoreDNS's kubernetes plugin defaults to 5 s.</param>
    public ClusterZone(string domain = "cluster.local", uint ttl = 5)
    {
        Domain = domain.Trim('.').ToLowerInvariant();
        Ttl = ttl;
        _servicesBySpan = _services.GetAlternateLookup<ReadOnlySpan<char>>();
        _namespacesBySpan = _namespaces.GetAlternateLookup<ReadOnlySpan<char>>();
        _ptrBySpan = _ptr.GetAlternateLookup<ReadOnlySpan<char>>();
        _serial = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    public string Domain { get; }
    public uint Ttl { get; }
    /// <summary>SOA serial: the Unix time of the last change, as CoreDNS reports it.</summary>
    public uint Serial => (uint)Volatile.Read(ref _serial);
    public int ServiceCount => _services.Count;

    internal bool TryGetService(ReadOnlySpan<char> serviceDotNamespace, out ServiceRecords records) =>
        _servicesBySpan.TryGetValue(serviceDotNamespace, out records!);

    internal bool HasNamespace(ReadOnlySpan<char> ns) => _namespacesBySpan.ContainsKey(ns);

    internal bool TryGetPtr(ReadOnlySpan<char> reverseName, out string[] targets) => _ptrBySpan.TryGetValue(reverseName, out targets!);

    public void SetService(JsonObject service)
    {
        var spec = ServiceSpec.From(service);
        lock (_write)
        {
            var key = Key(spec.Name, spec.Namespace);
            _specs[key] = spec;
            Rebuild(key, spec.Namespace);
        }
    }

    public void RemoveService(JsonObject service)
    {
        var meta = service["metadata"];
        var ns = (string?)meta?["namespace"] ?? "default";
        lock (_write)
        {
            var key = Key((string?)meta?["name"] ?? "", ns);
            if (_specs.Remove(key)) Rebuild(key, ns);
        }
    }

    public void SetSlice(JsonObject slice)
    {
        var sliceKey = SliceKey(slice);
        var parsed = SliceEndpoints.From(slice);
        lock (_write)
        {
            var oldOwner = DetachSlice(sliceKey);
            if (parsed is not null)
            {
                var owner = Key(parsed.ServiceName, parsed.Namespace);
                if (!_slicesByService.TryGetValue(owner, out var slices)) _slicesByService[owner] = slices = new(StringComparer.Ordinal);
                slices[sliceKey] = parsed;
                _sliceOwner[sliceKey] = owner;
                Rebuild(owner, parsed.Namespace);
            }
            if (oldOwner is not null && oldOwner != _sliceOwner.GetValueOrDefault(sliceKey))
                Rebuild(oldOwner, NamespaceOf(oldOwner));
        }
    }

    public void RemoveSlice(JsonObject slice)
    {
        var sliceKey = SliceKey(slice);
        lock (_write)
        {
            var owner = DetachSlice(sliceKey);
            if (owner is not null) Rebuild(owner, NamespaceOf(owner));
        }
    }

    string? DetachSlice(string sliceKey)
    {
        if (!_sliceOwner.Remove(sliceKey, out var owner)) return null;
        if (_slicesByService.TryGetValue(owner, out var slices))
        {
            slices.Remove(sliceKey);
            if (slices.Count == 0) _slicesByService.Remove(owner);
        }
        return owner;
    }

    static string Key(string name, string ns) => $"{name}.{ns}";
    static string NamespaceOf(string key) => key[(key.IndexOf('.') + 1)..];
    static string SliceKey(JsonObject slice) =>
        $"{(string?)slice["metadata"]?["namespace"] ?? "default"}/{(string?)slice["metadata"]?["name"]}";

    /// <summary>Recomputes one Service's records from its spec and slices, then publishes them and their PTRs.</summary>
    void Rebuild(string key, string ns)
    {
        _services.TryGetValue(key, out var old);
        var records = _specs.TryGetValue(key, out var spec) ? Build(spec, _slicesByService.GetValueOrDefault(key)) : null;
        if (records is null)
        {
            if (_services.TryRemove(key, out _))
                _namespaces.AddOrUpdate(ns, 0, (_, n) => n - 1);
            if (_namespaces.TryGetValue(ns, out var left) && left <= 0) _namespaces.TryRemove(ns, out _);
        }
        else
        {
            if (old is null) _namespaces.AddOrUpdate(ns, 1, (_, n) => n + 1);
            _services[key] = records;
        }
        UpdatePtrs(old, records);
        Volatile.Write(ref _serial, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    ServiceRecords Build(ServiceSpec spec, Dictionary<string, SliceEndpoints>? slices)
    {
        var fullName = $"{spec.Name}.{spec.Namespace}.svc.{Domain}".ToLowerInvariant();
        if (spec.Kind == ServiceKind.ExternalName)
            return new ServiceRecords { Name = spec.Name, Namespace = spec.Namespace, FullName = fullName, Kind = spec.Kind, ExternalName = spec.ExternalName };
        if (spec.Kind == ServiceKind.ClusterIP)
            return new ServiceRecords
            {
                Name = spec.Name, Namespace = spec.Namespace, FullName = fullName, Kind = spec.Kind, Ports = spec.Ports,
                V4 = [.. spec.ClusterIPs.Where(ip => ip.Length == 4)], V6 = [.. spec.ClusterIPs.Where(ip => ip.Length == 16)],
            };

        var endpoints = new List<EndpointRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var slice in slices?.Values ?? Enumerable.Empty<SliceEndpoints>())
            foreach (var endpoint in slice.Endpoints)
            {
                if (!endpoint.Ready && !spec.PublishNotReadyAddresses) continue;
                var hostname = (endpoint.Hostname ?? DashedAddress(endpoint.Address)).ToLowerInvariant();
                if (!seen.Add(hostname + "/" + Convert.ToHexString(endpoint.Address))) continue;
                endpoints.Add(new EndpointRecord(hostname, $"{hostname}.{fullName}", endpoint.Address, slice.Ports));
            }
        endpoints.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        return new ServiceRecords
        {
            Name = spec.Name, Namespace = spec.Namespace, FullName = fullName, Kind = spec.Kind, Ports = spec.Ports,
            Endpoints = [.. endpoints],
            V4 = Distinct(endpoints.Where(e => e.Address.Length == 4)),
            V6 = Distinct(endpoints.Where(e => e.Address.Length == 16)),
            ByHostname = endpoints.GroupBy(e => e.Hostname, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.OrdinalIgnoreCase),
        };
    }

    static byte[][] Distinct(IEnumerable<EndpointRecord> endpoints) =>
        [.. endpoints.Select(e => e.Address).DistinctBy(Convert.ToHexString)];

    /// <summary>CoreDNS's name for an endpoint without hostname: its IP with dashes ("10-244-0-5", IPv6 colons to dashes).</summary>
    internal static string DashedAddress(byte[] address) =>
        new System.Net.IPAddress(address).ToString().Replace('.', '-').Replace(':', '-');

    void UpdatePtrs(ServiceRecords? old, ServiceRecords? now)
    {
        foreach (var (name, target) in PtrsOf(old))
            if (_ptrMaster.TryGetValue(name, out var list))
            {
                list.Remove(target);
                if (list.Count == 0)
                {
                    _ptrMaster.Remove(name);
                    _ptr.TryRemove(name, out _);
                }
                else _ptr[name] = [.. list];
            }
        foreach (var (name, target) in PtrsOf(now))
        {
            if (!_ptrMaster.TryGetValue(name, out var list)) _ptrMaster[name] = list = [];
            list.Add(target);
            _ptr[name] = [.. list];
        }
    }

    static IEnumerable<(string Name, string Target)> PtrsOf(ServiceRecords? records)
    {
        if (records is null) yield break;
        if (records.Kind == ServiceKind.ClusterIP)
            foreach (var ip in records.V4.Concat(records.V6)) yield return (ReverseName(ip), records.FullName);
        else if (records.Kind == ServiceKind.Headless)
            foreach (var endpoint in records.Endpoints) yield return (ReverseName(endpoint.Address), endpoint.FullName);
    }

    /// <summary>"5.0.244.10.in-addr.arpa" or the 32-nibble ip6.arpa name, without trailing dot.</summary>
    internal static string ReverseName(byte[] address)
    {
        var sb = new StringBuilder();
        if (address.Length == 4)
        {
            for (int i = 3; i >= 0; i--) sb.Append(address[i]).Append('.');
            return sb.Append("in-addr.arpa").ToString();
        }
        for (int i = address.Length - 1; i >= 0; i--)
            sb.Append("0123456789abcdef"[address[i] & 0xF]).Append('.').Append("0123456789abcdef"[address[i] >> 4]).Append('.');
        return sb.Append("ip6.arpa").ToString();
    }
}
