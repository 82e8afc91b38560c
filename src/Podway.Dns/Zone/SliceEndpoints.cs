using System.Net;
using System.Text.Json.Nodes;

namespace Podway.Dns.Zone;

/// <summary>What DNS needs of one EndpointSlice: its Service, its ports and its endpoints' addresses.</summary>
internal sealed record SliceEndpoints(string Namespace, string ServiceName, NamedPort[] Ports, SliceEndpoint[] Endpoints)
{
    /// <summary>Null when the slice belongs to no Service (no kubernetes.io/service-name label) or holds FQDNs.</summary>
    public static SliceEndpoints? From(JsonObject slice)
    {
        var meta = slice["metadata"] as JsonObject;
        var ns = (string?)meta?["namespace"] ?? "default";
        var service = (string?)meta?["labels"]?["kubernetes.io/service-name"];
        var addressType = (string?)slice["addressType"];
        if (string.IsNullOrEmpty(service) || addressType is not ("IPv4" or "IPv6")) return null;
        var ports = new List<NamedPort>();
        foreach (var port in slice["ports"] as JsonArray ?? [])
        {
            var name = (string?)port?["name"];
            var number = (int?)port?["port"];
            if (string.IsNullOrEmpty(name) || number is not (> 0 and <= 65535)) continue;
            ports.Add(new NamedPort(name.ToLowerInvariant(), ((string?)port?["protocol"] ?? "TCP").ToLowerInvariant(), (ushort)number));
        }
        var endpoints = new List<SliceEndpoint>();
        foreach (var endpoint in slice["endpoints"] as JsonArray ?? [])
        {
            // EndpointSlice API: a nil ready condition is to be read as ready.
            var ready = (bool?)endpoint?["conditions"]?["ready"] ?? true;
            var hostname = (string?)endpoint?["hostname"];
            foreach (var address in endpoint?["addresses"] as JsonArray ?? [])
                if (IPAddress.TryParse((string?)address, out var ip))
                    endpoints.Add(new SliceEndpoint(ip.GetAddressBytes(), string.IsNullOrEmpty(hostname) ? null : hostname, ready));
        }
        return new SliceEndpoints(ns, service, [.. ports], [.. endpoints]);
    }
}

internal sealed record SliceEndpoint(byte[] Address, string? Hostname, bool Ready);
