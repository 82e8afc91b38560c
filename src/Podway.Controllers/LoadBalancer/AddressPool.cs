using System.Net;
using System.Net.Sockets;

namespace Podway.Controllers.LoadBalancer;

/// <summary>Why an address could not be had; the message ends up in the Service's SyncLoadBalancerFailed event.</summary>
internal sealed class AddressPoolException(string message) : Exception(message);

/// <summary>
/// The cluster's LoadBalancer addresses and who holds each (owner = "namespace/name" of a Service). The pool's
/// network and broadcast addresses are never handed out (the upper one is also the node network's broadcast).
/// Free addresses are given lowest first, so a released address is the next one reused. Thread-safe.
/// </summary>
internal sealed class AddressPool
{
    readonly Lock _gate = new();
    readonly Dictionary<uint, string> _owners = [];
    readonly Dictionary<string, uint> _held = [];
    readonly uint _first, _last;

    public string Cidr { get; }
    /// <summary>How many addresses the pool hands out.</summary>
    public int Size => (int)(_last - _first + 1);

    /// <exception cref="ArgumentException">when cidr is not an IPv4 CIDR.</exception>
    public AddressPool(string cidr)
    {
        if (!IPNetwork.TryParse(cidr, out var network) || network.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"LoadBalancer pool {cidr} is not an IPv4 CIDR", nameof(cidr));
        var start = ToUInt(network.BaseAddress);
        var end = start + (uint)((1L << (32 - network.PrefixLength)) - 1);
        (_first, _last) = network.PrefixLength <= 30 ? (start + 1, end - 1) : (start, end);
        Cidr = $"{network.BaseAddress}/{network.PrefixLength}";
    }

    public bool Contains(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork && ToUInt(ip) is var v && v >= _first && v <= _last;

    public IPAddress? HeldBy(string owner)
    {
        lock (_gate) return _held.TryGetValue(owner, out var v) ? FromUInt(v) : null;
    }

    public string? OwnerOf(IPAddress ip)
    {
        lock (_gate) return Contains(ip) && _owners.TryGetValue(ToUInt(ip), out var o) ? o : null;
    }

    public int Allocated
    {
        get { lock (_gate) return _held.Count; }
    }

    /// <summary>Records an address already in use (rebuilding after a restart); false when it is outside the pool or someone else's.</summary>
    public bool TryClaim(string owner, IPAddress ip)
    {
        if (!Contains(ip)) return false;
        lock (_gate)
        {
            var v = ToUInt(ip);
            if (_owners.TryGetValue(v, out var current)) return current == owner;
            if (_held.ContainsKey(owner)) return false;
            Assign(owner, v);
            return true;
        }
    }

    /// <summary>
    /// The address the owner should have: the requested one (moving to it when it holds another), else the one it
    /// holds, else the lowest free one. On failure the owner keeps what it held.
    /// </summary>
    /// <exception cref="AddressPoolException">requested address outside the pool or taken, or no free address left.</exception>
    public IPAddress Allocate(string owner, IPAddress? requested)
    {
        lock (_gate)
        {
            var held = _held.TryGetValue(owner, out var h) ? h : (uint?)null;
            if (requested is not null)
            {
                if (!Contains(requested))
                    throw new AddressPoolException($"requested loadBalancerIP {requested} is not in the cluster's LoadBalancer pool {Cidr} ({FromUInt(_first)}-{FromUInt(_last)})");
                var want = ToUInt(requested);
                if (_owners.TryGetValue(want, out var other) && other != owner)
                    throw new AddressPoolException($"requested loadBalancerIP {requested} is already allocated to Service {other}");
                if (held != want)
                {
                    if (held is { } old) Unassign(owner, old);
                    Assign(owner, want);
                }
                return requested;
            }
            if (held is { } mine) return FromUInt(mine);
            for (var v = _first; v <= _last && v >= _first; v++)
            {
                if (_owners.ContainsKey(v)) continue;
                Assign(owner, v);
                return FromUInt(v);
            }
            throw new AddressPoolException($"no free address in the cluster's LoadBalancer pool {Cidr}: all {Size} are allocated");
        }
    }

    /// <summary>Frees the owner's address; false when it held none.</summary>
    public bool Release(string owner)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(owner, out var v)) return false;
            Unassign(owner, v);
            return true;
        }
    }

    void Assign(string owner, uint v)
    {
        _owners[v] = owner;
        _held[owner] = v;
    }

    void Unassign(string owner, uint v)
    {
        _owners.Remove(v);
        _held.Remove(owner);
    }

    static uint ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    static IPAddress FromUInt(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
