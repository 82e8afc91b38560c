using System.Text.Json.Nodes;
using Podway.Client;

namespace Podway.Proxy.Tracking;

/// <summary>
/// Services as the proxy sees them, and which changed since the last sync (kube-proxy's ServiceChangeTracker +
/// ServicePortMap). Informer handlers call <see cref="Update"/>; the sync loop calls <see cref="TakeChanges"/>.
/// </summary>
internal sealed class ServiceChangeTracker
{
    readonly Lock _gate = new();
    readonly Dictionary<string, IReadOnlyList<ServicePortInfo>> _services = new(StringComparer.Ordinal);
    readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    /// <summary>Records an add (previous null), update or delete (current null); true when the rules must change.</summary>
    public bool Update(JsonObject? previous, JsonObject? current)
    {
        var obj = current ?? previous;
        if (obj is null) return false;
        var key = ObjectMeta.Key(obj);
        var ports = current is null ? [] : ServicePortInfo.FromService(current);
        lock (_gate)
        {
            var before = _services.GetValueOrDefault(key) ?? [];
            if (before.SequenceEqual(ports)) return false;
            if (ports.Count == 0) _services.Remove(key); else _services[key] = ports;
            _changed.Add(key);
            return true;
        }
    }

    /// <summary>The Service port a client reaches at ip:port (ClusterIP, external or LoadBalancer IP, or a NodePort), if any.</summary>
    public ServicePortInfo? At(string ip, int port, string protocol)
    {
        lock (_gate)
            return _services.Values.SelectMany(p => p).FirstOrDefault(s =>
                string.Equals(s.Protocol, protocol, StringComparison.OrdinalIgnoreCase) &&
                ((s.Port == port && (s.ClusterIp == ip || s.ExternalIps.Contains(ip) || s.LoadBalancerIps.Contains(ip))) || (s.NodePort > 0 && s.NodePort == port)));
    }

    /// <summary>Every Service port now (a copy).</summary>
    public List<ServicePortInfo> All()
    {
        lock (_gate) return _services.Values.SelectMany(p => p).ToList();
    }

    /// <summary>The Services whose ports changed since the last call, and a snapshot of every Service.</summary>
    public (HashSet<string> Changed, Dictionary<string, IReadOnlyList<ServicePortInfo>> Services) TakeChanges()
    {
        lock (_gate)
        {
            var changed = new HashSet<string>(_changed, StringComparer.Ordinal);
            _changed.Clear();
            return (changed, new Dictionary<string, IReadOnlyList<ServicePortInfo>>(_services, StringComparer.Ordinal));
        }
    }
}
