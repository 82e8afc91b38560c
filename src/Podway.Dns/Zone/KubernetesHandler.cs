using System.Net;
using Podway.Dns.Server;
using Podway.Dns.Wire;
using static Podway.Dns.Wire.ResponseWriter;

namespace Podway.Dns.Zone;

/// <summary>
/// Answers the cluster zone by the Kubernetes DNS specification 1.1.0 (kubernetes/dns docs/specification.md), as
/// CoreDNS's kubernetes plugin does with `pods insecure` and `fallthrough in-addr.arpa ip6.arpa`: Services, headless
/// endpoints, SRV for named ports, PTR, ExternalName CNAMEs, the dns-version TXT and dashed-IP pod names. Names in the
/// zone that do not exist get NXDOMAIN, names that exist without the asked type get NODATA, both with the zone's SOA.
/// </summary>
internal sealed class KubernetesHandler(ClusterZone zone) : IQueryHandler
{
    public const string SchemaVersion = "1.1.0";

    public HandlerResult Handle(DnsQuery query, ResponseWriter response)
    {
        var name = query.Name;
        var domain = zone.Domain.AsSpan();
        if (name.EndsWith(".in-addr.arpa", StringComparison.Ordinal) || name.EndsWith(".ip6.arpa", StringComparison.Ordinal))
            return Reverse(query, response);
        if (name.SequenceEqual(domain)) return Apex(query, response);
        if (!(name.Length > domain.Length + 1 && name.EndsWith(domain, StringComparison.Ordinal) && name[^(domain.Length + 1)] == '.'))
            return HandlerResult.NotMine;
        if (query.QClass is not (RecordClass.IN or RecordClass.ANY))
        {
            response.SetRcode(Rcode.Refused, authoritative: false);
            return HandlerResult.Answered;
        }

        var relative = name[..^(domain.Length + 1)];
        if (relative.SequenceEqual("dns-version"))
        {
            if (Wants(query, RecordType.TXT)) response.Txt(Section.Answer, default, zone.Ttl, SchemaVersion);
            return Finish(response, exists: true);
        }
        if (relative.SequenceEqual("svc") || relative.SequenceEqual("pod")) return Finish(response, exists: true);
        if (relative.EndsWith(".svc", StringComparison.Ordinal)) return Services(query, response, relative[..^4]);
        if (relative.EndsWith(".pod", StringComparison.Ordinal)) return Pods(query, response, relative[..^4]);
        return Finish(response, exists: false);
    }

    HandlerResult Apex(DnsQuery query, ResponseWriter response)
    {
        if (Wants(query, RecordType.SOA)) response.Soa(Section.Answer, zone.Domain, zone.Ttl, zone.Serial);
        return Finish(response, exists: true);
    }

    /// <summary>"ns", "svc.ns", "host.svc.ns", "_proto.svc.ns" or "_port._proto.svc.ns" (before ".svc.ZONE").</summary>
    HandlerResult Services(DnsQuery query, ResponseWriter response, ReadOnlySpan<char> rel)
    {
        Span<Range> labels = stackalloc Range[6];
        int count = rel.Split(labels, '.');
        if (count == 1) return Finish(response, exists: zone.HasNamespace(rel));
        if (count > 4) return Finish(response, exists: false);
        var serviceKey = rel[labels[count - 2].Start..];
        if (!zone.TryGetService(serviceKey, out var service)) return Finish(response, exists: false);

        if (count == 2) return Service(query, response, service);
        if (count == 4)
        {
            var port = rel[labels[0]];
            var proto = rel[labels[1]];
            if (port is not ['_', _, ..] || proto is not ['_', _, ..]) return Finish(response, exists: false);
            return Srv(query, response, service, port[1..], proto[1..]);
        }
        var first = rel[labels[0]];
        if (first is ['_', ..])
        {
            // "_tcp.svc.ns" is an empty non-terminal when a port of that protocol exists.
            var proto = first[1..];
            var ports = service.Kind == ServiceKind.Headless ? service.Endpoints.SelectMany(e => e.Ports) : service.Ports;
            foreach (var p in ports)
                if (proto.SequenceEqual(p.Protocol)) return Finish(response, exists: true);
            return Finish(response, exists: false);
        }
        if (service.Kind != ServiceKind.Headless || !service.ByHostname.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(first, out var endpoints))
            return Finish(response, exists: false);
        foreach (var endpoint in endpoints) Address(query, response, default, endpoint.Address);
        return Finish(response, exists: true);
    }

    HandlerResult Service(DnsQuery query, ResponseWriter response, ServiceRecords service)
    {
        switch (service.Kind)
        {
            case ServiceKind.ExternalName:
                // The CNAME answers every type; the client (or its resolver) follows it.
                if (service.ExternalName is { Length: > 0 } target) response.Cname(Section.Answer, default, zone.Ttl, target);
                return Finish(response, exists: true);
            case ServiceKind.Headless when !service.HasAddresses:
                return Finish(response, exists: false); // spec 2.4.1: no ready endpoints is NXDOMAIN
            default:
                foreach (var ip in service.V4) Address(query, response, default, ip);
                foreach (var ip in service.V6) Address(query, response, default, ip);
                return Finish(response, exists: true);
        }
    }

    HandlerResult Srv(DnsQuery query, ResponseWriter response, ServiceRecords service, ReadOnlySpan<char> port, ReadOnlySpan<char> proto)
    {
        bool any = false;
        if (service.Kind == ServiceKind.ClusterIP)
        {
            foreach (var p in service.Ports)
                if (port.SequenceEqual(p.Name) && proto.SequenceEqual(p.Protocol))
                {
                    any = true;
                    if (Wants(query, RecordType.SRV)) response.Srv(Section.Answer, default, zone.Ttl, 0, 100, p.Port, service.FullName);
                }
            if (any && Wants(query, RecordType.SRV))
                foreach (var ip in service.V4) response.A(Section.Additional, service.FullName, zone.Ttl, ip);
            return Finish(response, exists: any);
        }
        if (service.Kind != ServiceKind.Headless) return Finish(response, exists: false);
        int matches = 0;
        foreach (var endpoint in service.Endpoints)
            foreach (var p in endpoint.Ports)
                if (port.SequenceEqual(p.Name) && proto.SequenceEqual(p.Protocol)) matches++;
        if (matches == 0) return Finish(response, exists: false);
        // CoreDNS: priority 0, weight spread evenly over the records.
        var weight = (ushort)Math.Max(1, 100 / matches);
        if (Wants(query, RecordType.SRV))
        {
            foreach (var endpoint in service.Endpoints)
                foreach (var p in endpoint.Ports)
                    if (port.SequenceEqual(p.Name) && proto.SequenceEqual(p.Protocol))
                        response.Srv(Section.Answer, default, zone.Ttl, 0, weight, p.Port, endpoint.FullName);
            foreach (var endpoint in service.Endpoints)
                if (endpoint.Address.Length == 4) response.A(Section.Additional, endpoint.FullName, zone.Ttl, endpoint.Address);
                else response.Aaaa(Section.Additional, endpoint.FullName, zone.Ttl, endpoint.Address);
        }
        return Finish(response, exists: true);
    }

    /// <summary>"ns" or "a-b-c-d.ns" before ".pod.ZONE"; any namespace answers (CoreDNS `pods insecure`).</summary>
    HandlerResult Pods(DnsQuery query, ResponseWriter response, ReadOnlySpan<char> rel)
    {
        int dot = rel.IndexOf('.');
        if (dot < 0) return Finish(response, exists: true);
        if (rel[(dot + 1)..].Contains('.')) return Finish(response, exists: false);
        var dashed = rel[..dot];
        Span<char> text = stackalloc char[64];
        if (dashed.Length > text.Length) return Finish(response, exists: false);
        int dashes = dashed.Count('-');
        dashed.CopyTo(text);
        // IPv4 "10-244-1-5"; IPv6 with its colons as dashes ("fd00--5").
        text[..dashed.Length].Replace('-', dashes == 3 ? '.' : ':');
        Span<byte> bytes = stackalloc byte[16];
        if (!IPAddress.TryParse(text[..dashed.Length], out var ip) || !ip.TryWriteBytes(bytes, out var written))
            return Finish(response, exists: false);
        if (written == 4 && dashes != 3) return Finish(response, exists: false);
        Address(query, response, default, bytes[..written]);
        return Finish(response, exists: true);
    }

    HandlerResult Reverse(DnsQuery query, ResponseWriter response)
    {
        if (!zone.TryGetPtr(query.Name, out var targets)) return HandlerResult.NotMine; // fallthrough: upstream answers the rest
        if (Wants(query, RecordType.PTR))
            foreach (var target in targets) response.Ptr(Section.Answer, default, zone.Ttl, target);
        response.SetRcode(Rcode.NoError, authoritative: true);
        if (response.AnswerCount == 0)
            response.Soa(Section.Authority, query.Name.EndsWith("ip6.arpa", StringComparison.Ordinal) ? "ip6.arpa" : "in-addr.arpa", zone.Ttl, zone.Serial);
        return HandlerResult.Answered;
    }

    void Address(DnsQuery query, ResponseWriter response, ReadOnlySpan<char> owner, ReadOnlySpan<byte> ip)
    {
        if (ip.Length == 4 && Wants(query, RecordType.A)) response.A(Section.Answer, owner, zone.Ttl, ip);
        else if (ip.Length == 16 && Wants(query, RecordType.AAAA)) response.Aaaa(Section.Answer, owner, zone.Ttl, ip);
    }

    static bool Wants(DnsQuery query, ushort type) => query.QType == type || query.QType == RecordType.ANY;

    /// <summary>NOERROR with answers, NODATA (name exists, no answer) or NXDOMAIN; the SOA goes with the last two.</summary>
    HandlerResult Finish(ResponseWriter response, bool exists)
    {
        if (exists && response.AnswerCount > 0)
        {
            response.SetRcode(Rcode.NoError, authoritative: true);
            return HandlerResult.Answered;
        }
        response.SetRcode(exists ? Rcode.NoError : Rcode.NXDomain, authoritative: true);
        response.Soa(Section.Authority, zone.Domain, zone.Ttl, zone.Serial);
        return HandlerResult.Answered;
    }
}
