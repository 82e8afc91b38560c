using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Podway.Proxy.Flows;

/// <summary>The addresses and ports of an IPv4 packet, and the question of a DNS query it carries.</summary>
public sealed record PacketHeaders(string Protocol, string Source, int SourcePort, string Destination, int DestinationPort)
{
    /// <summary>Null for anything but a well-formed IPv4 header (the payload is what NFLOG copied, maybe cut short).</summary>
    public static PacketHeaders? Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20 || packet[0] >> 4 != 4) return null;
        var ihl = (packet[0] & 0xf) * 4;
        if (ihl < 20 || packet.Length < ihl) return null;
        var protocol = ProtocolName(packet[9]);
        var src = new IPAddress(packet.Slice(12, 4)).ToString();
        var dst = new IPAddress(packet.Slice(16, 4)).ToString();
        var l4 = packet[ihl..];
        var ported = protocol is "tcp" or "udp" or "sctp" && l4.Length >= 4;
        return new(protocol, src, ported ? BinaryPrimitives.ReadUInt16BigEndian(l4) : 0,
            dst, ported ? BinaryPrimitives.ReadUInt16BigEndian(l4[2..]) : 0);
    }

    public static string ProtocolName(int number) => number switch
    {
        1 => "icmp", 6 => "tcp", 17 => "udp", 132 => "sctp", _ => number.ToString(),
    };

    /// <summary>The question (name and type) of a DNS query over UDP, or null when the packet is not one.</summary>
    public static (string Name, string Type)? DnsQuestion(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20 || packet[9] != 17) return null;
        var ihl = (packet[0] & 0xf) * 4;
        if (packet.Length < ihl + 8 + 12) return null;
        var dns = packet[(ihl + 8)..];
        var isQuery = (dns[2] & 0x80) == 0;
        if (!isQuery || BinaryPrimitives.ReadUInt16BigEndian(dns[4..]) == 0) return null;
        var name = new StringBuilder();
        var i = 12;
        while (true)
        {
            if (i >= dns.Length) return null;
            var len = dns[i++];
            if (len == 0) break;
            if (len > 63 || i + len > dns.Length || name.Length + len > 253) return null; // no pointers in a question
            if (name.Length > 0) name.Append('.');
            foreach (var b in dns.Slice(i, len)) name.Append(b is > 32 and < 127 ? (char)b : '?');
            i += len;
        }
        if (i + 2 > dns.Length) return null;
        var type = BinaryPrimitives.ReadUInt16BigEndian(dns[i..]) switch
        {
            1 => "A", 28 => "AAAA", 5 => "CNAME", 33 => "SRV", 12 => "PTR", 16 => "TXT", 15 => "MX", 2 => "NS", 6 => "SOA", 255 => "ANY",
            var t => $"TYPE{t}",
        };
        return (name.Length == 0 ? "." : name + ".", type);
    }
}
