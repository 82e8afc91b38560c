using System.Buffers.Binary;
using System.Text;
using Podway.Proxy.Flows;

namespace Podway.Proxy.Tests.Flows;

/// <summary>What the flow log reads from the kernel: IPv4/L4 headers, DNS questions, conntrack lines, NFLOG messages.</summary>
public sealed class FlowParsingTests
{
    static byte[] Ipv4(byte protocol, string src, string dst, byte[] l4)
    {
        var p = new byte[20 + l4.Length];
        p[0] = 0x45;
        p[9] = protocol;
        System.Net.IPAddress.Parse(src).GetAddressBytes().CopyTo(p, 12);
        System.Net.IPAddress.Parse(dst).GetAddressBytes().CopyTo(p, 16);
        l4.CopyTo(p, 20);
        return p;
    }

    static byte[] Ports(int sport, int dport, int extra = 0)
    {
        var b = new byte[4 + extra];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)sport);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)dport);
        return b;
    }

    static byte[] DnsQuery(string name, ushort type, bool response = false)
    {
        var dns = new List<byte> { 0x12, 0x34, (byte)(response ? 0x81 : 0x01), 0, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.TrimEnd('.').Split('.')) { dns.Add((byte)label.Length); dns.AddRange(Encoding.ASCII.GetBytes(label)); }
        dns.Add(0);
        dns.Add((byte)(type >> 8)); dns.Add((byte)type); dns.Add(0); dns.Add(1);
        var udp = new byte[8 + dns.Count];
        Ports(40000, 53).CopyTo(udp, 0);
        dns.ToArray().CopyTo(udp, 8);
        return Ipv4(17, "10.244.0.9", "10.96.0.10", udp);
    }

    [Fact]
    public void Headers_TcpPacket_AddressesAndPorts()
    {
        var h = PacketHeaders.Parse(Ipv4(6, "10.244.0.9", "10.244.0.5", Ports(43210, 8080, 16)));
        Assert.Equal(new PacketHeaders("tcp", "10.244.0.9", 43210, "10.244.0.5", 8080), h);
    }

    [Theory]
    [InlineData(0)]   // nothing copied
    [InlineData(19)]  // cut inside the IP header
    public void Headers_Truncated_Null(int length) =>
        Assert.Null(PacketHeaders.Parse(Ipv4(6, "10.0.0.1", "10.0.0.2", Ports(1, 2))[..length]));

    [Fact]
    public void Headers_Ipv6_Null()
    {
        var p = Ipv4(6, "10.0.0.1", "10.0.0.2", Ports(1, 2));
        p[0] = 0x60;
        Assert.Null(PacketHeaders.Parse(p));
    }

    [Fact]
    public void Headers_Icmp_NoPorts() =>
        Assert.Equal(new PacketHeaders("icmp", "10.0.0.1", 0, "10.0.0.2", 0), PacketHeaders.Parse(Ipv4(1, "10.0.0.1", "10.0.0.2", new byte[8])));

    [Fact]
    public void Dns_Query_NameAndType()
    {
        Assert.Equal(("web.shop.svc.cluster.local.", "A"), PacketHeaders.DnsQuestion(DnsQuery("web.shop.svc.cluster.local", 1)));
        Assert.Equal(("example.com.", "AAAA"), PacketHeaders.DnsQuestion(DnsQuery("example.com", 28)));
    }

    [Fact]
    public void Dns_ResponseOrTruncatedOrPointer_Null()
    {
        Assert.Null(PacketHeaders.DnsQuestion(DnsQuery("example.com", 1, response: true)));
        var query = DnsQuery("example.com", 1);
        Assert.Null(PacketHeaders.DnsQuestion(query[..(query.Length - 10)]));
        query[20 + 8 + 12] = 0xc0; // a compression pointer where a question's first label belongs
        Assert.Null(PacketHeaders.DnsQuestion(query));
        Assert.Null(PacketHeaders.DnsQuestion(Ipv4(6, "10.0.0.1", "10.0.0.2", Ports(1, 53, 40))));
    }

    static byte[] Tuple(string src, string dst, byte proto, int sport, int dport)
    {
        byte[] Port(int p) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)p); return b; }
        byte[] ip = [.. Attr(1, System.Net.IPAddress.Parse(src).GetAddressBytes()), .. Attr(2, System.Net.IPAddress.Parse(dst).GetAddressBytes())];
        byte[] l4 = proto is 6 or 17 or 132 ? [.. Attr(1, [proto]), .. Attr(2, Port(sport)), .. Attr(3, Port(dport))] : Attr(1, [proto]);
        return [.. Attr(1 | 0x8000, ip), .. Attr(2 | 0x8000, l4)];
    }

    /// <summary>A ctnetlink IPCTNL_MSG_CT_NEW event as the kernel sends it: nlmsghdr, nfgenmsg, CTA_TUPLE_ORIG/REPLY.</summary>
    static byte[] CtNew(byte[] orig, byte[] reply, ushort type = (1 << 8) | 0)
    {
        byte[] attrs = [.. Attr(1 | 0x8000, orig), .. Attr(2 | 0x8000, reply), .. Attr(12, [0, 0, 0, 5])];
        var msg = new byte[20 + attrs.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, (uint)msg.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), type);
        attrs.CopyTo(msg, 20);
        return msg;
    }

    [Fact]
    public void Conntrack_NewTcpThroughDnat_OriginalAndReplySource()
    {
        var events = ConntrackEvents.Parse(CtNew(Tuple("10.201.0.8", "10.96.12.7", 6, 44118, 80), Tuple("10.201.0.6", "10.201.0.8", 6, 8080, 44118)));
        Assert.Equal([new ConntrackNew("tcp", "10.201.0.8", 44118, "10.96.12.7", 80, "10.201.0.6", 8080)], events);
    }

    [Fact]
    public void Conntrack_UdpAndIcmp_TwoInOneDatagram()
    {
        var events = ConntrackEvents.Parse([
            .. CtNew(Tuple("10.0.0.1", "10.0.0.2", 17, 5, 53), Tuple("10.0.0.2", "10.0.0.1", 17, 53, 5)),
            .. CtNew(Tuple("10.0.0.1", "10.0.0.2", 1, 0, 0), Tuple("10.0.0.2", "10.0.0.1", 1, 0, 0))]);
        Assert.Equal([new ConntrackNew("udp", "10.0.0.1", 5, "10.0.0.2", 53, "10.0.0.2", 53), new ConntrackNew("icmp", "10.0.0.1", 0, "10.0.0.2", 0, "10.0.0.2", 0)], events);
    }

    [Fact]
    public void Conntrack_OtherMessagesTruncatedOrTupleless_Skipped()
    {
        var good = CtNew(Tuple("10.0.0.1", "10.0.0.2", 6, 1, 2), Tuple("10.0.0.2", "10.0.0.1", 6, 2, 1));
        Assert.Empty(ConntrackEvents.Parse(CtNew(Tuple("10.0.0.1", "10.0.0.2", 6, 1, 2), Tuple("10.0.0.2", "10.0.0.1", 6, 2, 1), type: (1 << 8) | 2)));
        Assert.Empty(ConntrackEvents.Parse(good[..(good.Length - 30)]));
        Assert.Empty(ConntrackEvents.Parse(CtNew([], Tuple("10.0.0.2", "10.0.0.1", 6, 2, 1))));
        Assert.Empty(ConntrackEvents.Parse([]));
    }

    static byte[] Attr(ushort type, byte[] value)
    {
        var a = new byte[(4 + value.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a.AsSpan(2), type);
        value.CopyTo(a, 4);
        return a;
    }

    static byte[] NflogMessage(string prefix, byte[] payload)
    {
        byte[] attrs = [.. Attr(10, [.. Encoding.ASCII.GetBytes(prefix), 0]), .. Attr(9, payload)];
        var msg = new byte[20 + attrs.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, (uint)msg.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), (4 << 8) | 0);
        attrs.CopyTo(msg, 20);
        return msg;
    }

    [Fact]
    public void Nflog_TwoPacketsInOneDatagram_PrefixAndPayloadEach()
    {
        var one = Ipv4(6, "10.0.0.1", "10.0.0.2", Ports(1, 2));
        var two = Ipv4(17, "10.0.0.3", "10.0.0.4", Ports(3, 53));
        var packets = NflogSocket.Parse([.. NflogMessage("npabcdef01-in-drops", one), .. NflogMessage("pw-dns", two)]);
        Assert.Equal(["npabcdef01-in-drops", "pw-dns"], packets.Select(p => p.Prefix));
        Assert.Equal(one, packets[0].Payload);
        Assert.Equal(two, packets[1].Payload);
    }

    [Fact]
    public void Nflog_LengthsBeyondTheData_StopsWithoutThrowing()
    {
        var msg = NflogMessage("pw-reject", Ipv4(6, "10.0.0.1", "10.0.0.2", Ports(1, 2)));
        Assert.Empty(NflogSocket.Parse(msg[..30]));
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(20), 4000); // an attribute claiming more than there is
        Assert.Single(NflogSocket.Parse(msg));
    }

    [Fact]
    public void Ring_KeepsTheNewest_SinceSkipsWhatWasRead()
    {
        var ring = new FlowRing(3);
        for (var i = 0; i < 5; i++)
            ring.Add(seq => new FlowRecord { Seq = seq, Time = DateTimeOffset.UnixEpoch, Node = "n", Verdict = "forwarded", Protocol = "tcp", SourceIp = $"10.0.0.{i}", DestinationIp = "10.0.0.9" });
        var (all, last) = ring.Since(0);
        Assert.Equal([3L, 4L, 5L], all.Select(f => f.Seq));
        Assert.Equal(5, last);
        Assert.Equal([5L], ring.Since(4).Flows.Select(f => f.Seq));
        Assert.Empty(ring.Since(5).Flows);
    }
}
