using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Validation;

namespace Podway.ApiServer.Registry;

/// <summary>
/// ClusterIP and NodePort allocation inside the API server, as kube-apiserver's service REST storage does it:
/// a requested value is honoured or refused with Kubernetes' message, otherwise a free one is picked at random.
/// The allocated sets are rebuilt from stored Services at start, so they survive restarts.
/// </summary>
internal sealed class ServiceAllocator
{
    readonly object _gate = new();
    readonly uint _network;
    readonly uint _size;
    readonly string _cidr;
    readonly int _portMin, _portMax;
    readonly HashSet<uint> _ips = [];
    readonly HashSet<int> _ports = [];

    public ServiceAllocator(string serviceCidr, int nodePortMin, int nodePortMax)
    {
        var parts = serviceCidr.Split('/');
        var prefix = int.Parse(parts[1]);
        _network = ToUInt(IPAddress.Parse(parts[0])) & (prefix == 0 ? 0 : uint.MaxValue << (32 - prefix));
        _size = prefix == 0 ? uint.MaxValue : 1u << (32 - prefix);
        _cidr = serviceCidr;
        (_portMin, _portMax) = (nodePortMin, nodePortMax);
    }

    public void Rebuild(IEnumerable<JsonObject> services)
    {
        lock (_gate)
        {
            _ips.Clear();
            _ports.Clear();
            foreach (var svc in services)
            {
                foreach (var ip in ClusterIps(svc)) if (InRange(ip)) _ips.Add(ip);
                foreach (var p in NodePorts(svc)) _ports.Add(p);
            }
        }
    }

    /// <summary>Fills spec.clusterIP(s), nodePorts and healthCheckNodePort; throws 422 with Kubernetes' messages.</summary>
    public Allocation Allocate(JsonObject svc, JsonObject? old)
    {
        var spec = svc.Ensure("spec");
        var oldSpec = old?.Obj("spec");
        var type = spec.Str("type") ?? "ClusterIP";
        var allocation = new Allocation(this);
        var errors = new List<FieldError>();
        lock (_gate)
        {
            AllocateClusterIp(spec, oldSpec, type, allocation, errors);
            AllocateNodePorts(spec, oldSpec, type, allocation, errors);
            if (errors.Count > 0)
            {
                allocation.Rollback();
                throw ApiException.Invalid("", "Service", svc.Name(), errors);
            }
        }
        return allocation;
    }

    /// <summary>Frees everything a deleted Service held.</summary>
    public void Release(JsonObject svc)
    {
        lock (_gate)
        {
            foreach (var ip in ClusterIps(svc)) _ips.Remove(ip);
            foreach (var p in NodePorts(svc)) _ports.Remove(p);
        }
    }

    void AllocateClusterIp(JsonObject spec, JsonObject? oldSpec, string type, Allocation allocation, List<FieldError> errors)
    {
        var oldIps = oldSpec == null ? [] : ClusterIpStrings(oldSpec);
        if (type == "ExternalName")
        {
            foreach (var ip in oldIps) if (TryParse(ip, out var u)) allocation.Free(u);
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
            return;
        }
        var requested = spec.Str("clusterIP") ?? (spec.Arr("clusterIPs")?.FirstOrDefault()?.GetValue<string>());
        if (string.IsNullOrEmpty(requested) && oldIps.Count > 0) requested = oldIps[0]; // kube keeps the allocated IP across updates
        if (requested == "None")
        {
            SetClusterIp(spec, "None");
            return;
        }
        if (oldIps.Count > 0 && requested == oldIps[0])
        {
            SetClusterIp(spec, requested);
            return;
        }
        if (!string.IsNullOrEmpty(requested))
        {
            // kube reports allocation failures against the normalized clusterIPs list
            const string field = "spec.clusterIPs";
            var shown = $"[]string{{\"{requested}\"}}";
            if (!TryParse(requested, out var ip))
                errors.Add(new(FieldErrorType.Invalid, field, $"Invalid value: {shown}: must be a valid IP address"));
            else if (!InRange(ip) || ip == _network || ip == _network + _size - 1)
                errors.Add(new(FieldErrorType.Invalid, field, $"Invalid value: {shown}: failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {_cidr}"));
            else if (_ips.Contains(ip))
                errors.Add(new(FieldErrorType.Invalid, field, $"Invalid value: {shown}: failed to allocate IP {requested}: provided IP is already allocated"));
            else
            {
                allocation.Take(ip);
                SetClusterIp(spec, requested);
            }
            return;
        }
        var picked = PickFreeIp();
        if (picked is not { } free)
        {
            errors.Add(new(FieldErrorType.Invalid, "spec.clusterIPs", $"Invalid value: []string(nil): failed to allocate IP: range is full"));
            return;
        }
        allocation.Take(free);
        SetClusterIp(spec, ToAddress(free).ToString());
    }

    void AllocateNodePorts(JsonObject spec, JsonObject? oldSpec, string type, Allocation allocation, List<FieldError> errors)
    {
        var wantsNodePorts = type == "NodePort" || (type == "LoadBalancer" && spec.Bool("allocateLoadBalancerNodePorts") != false);
        var oldPorts = oldSpec?.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];
        var kept = new HashSet<int>();
        var ports = spec.Arr("ports")?.OfType<JsonObject>().ToList() ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (!wantsNodePorts)
            {
                if (port.Long("nodePort") is { } stray && type is "ClusterIP" or "ExternalName" && oldSpec == null)
                    errors.Add(new(FieldErrorType.Forbidden, $"spec.ports[{i}].nodePort", $"Forbidden: may not be used when `type` is '{type}'"));
                if (oldSpec != null) port.Remove("nodePort");
                continue;
            }
            var requested = (int?)port.Long("nodePort");
            if (requested is null or 0)
            {
                var previous = oldPorts.FirstOrDefault(p => p.Long("port") == port.Long("port") && (p.Str("protocol") ?? "TCP") == (port.Str("protocol") ?? "TCP"));
                requested = (int?)previous?.Long("nodePort");
            }
            var field = $"spec.ports[{i}].nodePort";
            if (requested is > 0 and var p0 && p0 is int p)
            {
                if (kept.Contains(p) || IsOwnedBy(oldSpec, p)) { kept.Add(p); port["nodePort"] = p; continue; }
                if (p < _portMin || p > _portMax)
                    errors.Add(new(FieldErrorType.Invalid, field, $"Invalid value: {p}: provided port is not in the valid range. The range of valid ports is {_portMin}-{_portMax}"));
                else if (_ports.Contains(p))
                    errors.Add(new(FieldErrorType.Invalid, field, $"Invalid value: {p}: provided port is already allocated"));
                else { allocation.Take(p); kept.Add(p); port["nodePort"] = p; }
                continue;
            }
            if (PickFreePort() is not { } free)
            {
                errors.Add(new(FieldErrorType.Invalid, field, "Invalid value: 0: failed to allocate a nodePort: range is full"));
                continue;
            }
            allocation.Take(free);
            kept.Add(free);
            port["nodePort"] = free;
        }

        var needsHealthCheck = type == "LoadBalancer" && spec.Str("externalTrafficPolicy") == "Local";
        var hc = (int?)spec.Long("healthCheckNodePort") ?? (int?)oldSpec?.Long("healthCheckNodePort");
        if (needsHealthCheck)
        {
            if (hc is int h && (IsOwnedBy(oldSpec, h) || oldSpec?.Long("healthCheckNodePort") == h)) { kept.Add(h); spec["healthCheckNodePort"] = h; }
            else if (hc is int req && _ports.Contains(req))
                errors.Add(new(FieldErrorType.Invalid, "spec.healthCheckNodePort", $"Invalid value: {req}: provided port is already allocated"));
            else if (hc is int req2) { allocation.Take(req2); kept.Add(req2); spec["healthCheckNodePort"] = req2; }
            else if (PickFreePort() is int free) { allocation.Take(free); kept.Add(free); spec["healthCheckNodePort"] = free; }
        }
        else spec.Remove("healthCheckNodePort");

        if (oldSpec != null)
            foreach (var p in NodePorts(new JsonObject { ["spec"] = oldSpec.DeepClone() }))
                if (!kept.Contains(p)) allocation.Free(p);
    }

    static bool IsOwnedBy(JsonObject? oldSpec, int port) =>
        oldSpec != null && (oldSpec.Arr("ports")?.OfType<JsonObject>().Any(p => p.Long("nodePort") == port) == true || oldSpec.Long("healthCheckNodePort") == port);

    static void SetClusterIp(JsonObject spec, string ip)
    {
        spec["clusterIP"] = ip;
        spec["clusterIPs"] = new JsonArray(ip);
    }

    uint? PickFreeIp()
    {
        if (_size <= 2) return null;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var candidate = _network + 1 + (uint)Random.Shared.NextInt64(_size - 2);
            if (!_ips.Contains(candidate)) return candidate;
        }
        for (uint offset = 1; offset < _size - 1; offset++)
            if (!_ips.Contains(_network + offset)) return _network + offset;
        return null;
    }

    int? PickFreePort()
    {
        var span = _portMax - _portMin + 1;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var candidate = _portMin + Random.Shared.Next(span);
            if (!_ports.Contains(candidate)) return candidate;
        }
        for (var p = _portMin; p <= _portMax; p++) if (!_ports.Contains(p)) return p;
        return null;
    }

    bool InRange(uint ip) => ip - _network < _size;

    static List<string> ClusterIpStrings(JsonObject spec)
    {
        var list = spec.Arr("clusterIPs")?.Select(n => n?.GetValue<string>() ?? "").Where(s => s.Length > 0).ToList() ?? [];
        if (list.Count == 0 && spec.Str("clusterIP") is { Length: > 0 } one) list.Add(one);
        return list;
    }

    static IEnumerable<uint> ClusterIps(JsonObject svc)
    {
        if (svc.Obj("spec") is not { } spec) yield break;
        foreach (var s in ClusterIpStrings(spec)) if (TryParse(s, out var u)) yield return u;
    }

    static IEnumerable<int> NodePorts(JsonObject svc)
    {
        var spec = svc.Obj("spec");
        foreach (var p in spec?.Arr("ports")?.OfType<JsonObject>() ?? [])
            if (p.Long("nodePort") is { } n and > 0) yield return (int)n;
        if (spec.Long("healthCheckNodePort") is { } h and > 0) yield return (int)h;
    }

    static bool TryParse(string s, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(s, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork) return false;
        value = ToUInt(ip);
        return true;
    }

    static uint ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    static IPAddress ToAddress(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);

    /// <summary>What one write took and gave back; Commit frees, Rollback returns what was taken.</summary>
    public sealed class Allocation(ServiceAllocator owner)
    {
        readonly List<uint> _takenIps = [], _freedIps = [];
        readonly List<int> _takenPorts = [], _freedPorts = [];

        internal void Take(uint ip) { owner._ips.Add(ip); _takenIps.Add(ip); }
        internal void Take(int port) { owner._ports.Add(port); _takenPorts.Add(port); }
        internal void Free(uint ip) => _freedIps.Add(ip);
        internal void Free(int port) => _freedPorts.Add(port);

        public void Commit()
        {
            lock (owner._gate)
            {
                foreach (var ip in _freedIps) owner._ips.Remove(ip);
                foreach (var p in _freedPorts) owner._ports.Remove(p);
            }
        }

        public void Rollback()
        {
            lock (owner._gate)
            {
                foreach (var ip in _takenIps) owner._ips.Remove(ip);
                foreach (var p in _takenPorts) owner._ports.Remove(p);
            }
        }
    }
}
