using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Podway.Dns.Forward;
using Podway.Dns.Server;
using Podway.Dns.Wire;
using Podway.Dns.Zone;

namespace Podway.Dns.Tests;

/// <summary>Hostile and random packets get FORMERR (or similar) or are dropped; nothing throws, loops or stalls.</summary>
public sealed class MalformedPacketTests
{
    static readonly ClusterZone Zone = TestObjects.Zone();

    public sealed record Row(string Why, byte[] Packet, bool Dropped, int Rcode)
    {
        public override string ToString() => Why;
    }

    static byte[] Header(ushort qd = 1, ushort an = 0, ushort ns = 0, ushort ar = 0, ushort flags = 0x0100)
    {
        var h = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(h, 0xBEEF);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), qd);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(6), an);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(8), ns);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(10), ar);
        return h;
    }

    static byte[] LongName(int labels, int labelLength)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < labels; i++) { bytes.Add((byte)labelLength); bytes.AddRange(Enumerable.Repeat((byte)'a', labelLength)); }
        bytes.Add(0);
        return [.. bytes];
    }

    public static TheoryData<Row> Rows => new()
    {
        new("shorter than a header", [0x12, 0x34, 0x01], true, 0),
        new("a response, not a query", [.. Header(flags: 0x8000), 0, 0, 1, 0, 1], true, 0),
        new("no question", Header(qd: 0), false, Rcode.FormErr),
        new("two questions", [.. Header(qd: 2), 0, 0, 1, 0, 1, 0, 0, 1, 0, 1], false, Rcode.FormErr),
        new("question cut short", [.. Header(), 3, (byte)'w', (byte)'e'], false, Rcode.FormErr),
        new("no type and class", [.. Header(), 0], false, Rcode.FormErr),
        new("compression pointer to itself", [.. Header(), 0xC0, 12, 0, 1, 0, 1], false, Rcode.FormErr),
        new("compression loop of two", [.. Header(), 1, (byte)'a', 0xC0, 12, 0, 1, 0, 1], false, Rcode.FormErr),
        new("forward pointer", [.. Header(), 0xC0, 20, 0, 1, 0, 1, 0, 0, 0, 0], false, Rcode.FormErr),
        new("label of 64 (0x40 type)", [.. Header(), .. LongName(1, 64), 0, 1, 0, 1], false, Rcode.FormErr),
        new("name over 255", [.. Header(), .. LongName(5, 63), 0, 1, 0, 1], false, Rcode.FormErr),
        new("counts larger than the packet", [.. Header(an: 65535), 0, 0, 1, 0, 1], false, Rcode.FormErr),
        new("additional record cut short", [.. Header(ar: 1), 0, 0, 1, 0, 1, 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 200], false, Rcode.FormErr),
        new("two OPT records", [.. Header(ar: 2), 0, 0, 1, 0, 1, 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0],
            false, Rcode.FormErr),
        new("OPT not owned by the root", [.. Header(ar: 1), 0, 0, 1, 0, 1, 1, (byte)'x', 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0], false, Rcode.FormErr),
        new("huge EDNS option length", [.. Header(ar: 1), 0, 0, 1, 0, 1, 0, 0, 41, 255, 255, 0, 0, 0, 0, 255, 255], false, Rcode.FormErr),
        new("opcode STATUS", [.. Header(flags: 0x1000), 0, 0, 1, 0, 1], false, Rcode.NotImp),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Process_MalformedPacket_FormErrOrDrop(Row row)
    {
        var buffer = new byte[65535];
        var result = new QueryProcessor([new KubernetesHandler(Zone)]).Process(row.Packet, buffer, tcp: false, out var length);
        Assert.Equal(row.Dropped ? ProcessResult.Drop : ProcessResult.Respond, result);
        if (result != ProcessResult.Respond) return;
        Assert.Equal(0xBEEF, BinaryPrimitives.ReadUInt16BigEndian(buffer));
        Assert.Equal(row.Rcode, buffer[3] & 0xF);
        Assert.True((buffer[2] & 0x80) != 0, "QR set");
        Assert.True(length >= 12);
    }

    [Fact]
    public void Process_HugeEdnsBufferSize_IsClampedTo4096()
    {
        var zone = new ClusterZone();
        zone.SetService(TestObjects.Service("x", "h", "None"));
        zone.SetSlice(TestObjects.Slice("x", "h-1", "h", [], [.. Enumerable.Range(0, 300).Select(i => ($"10.1.{i / 200}.{i % 200 + 1}", (string?)null, true))]));
        var response = ZoneQueryTests.Ask("h.x.svc.cluster.local", RecordType.A, zone, edns: 65535);
        Assert.True(response.Truncated); // 300 x 16 bytes = 4.8 kB does not fit 4096 with header and question
        Assert.True(response.Length <= 4096);
    }

    [Fact]
    public void Process_RandomAndMutatedPackets_NeverThrowsAndAnswersInBounds()
    {
        var random = new Random(4);
        var processor = new QueryProcessor([new KubernetesHandler(Zone)]);
        var buffer = new byte[65535];
        byte[][] seeds =
        [
            DnsMessages.Query("web.shop.svc.cluster.local", RecordType.A, ednsSize: 1232),
            DnsMessages.Query("_pg._tcp.db.shop.svc.cluster.local", RecordType.SRV),
            DnsMessages.Query("5.0.244.10.in-addr.arpa", RecordType.PTR, ednsSize: 512),
        ];
        int responded = 0;
        for (int i = 0; i < 200_000; i++)
        {
            byte[] packet;
            if (i % 4 == 0)
            {
                packet = new byte[random.Next(0, 600)];
                random.NextBytes(packet);
            }
            else
            {
                packet = (byte[])seeds[i % seeds.Length].Clone();
                for (int flips = random.Next(1, 6); flips > 0; flips--) packet[random.Next(packet.Length)] = (byte)random.Next(256);
                if (random.Next(4) == 0) packet = packet[..random.Next(packet.Length)];
            }
            var result = processor.Process(packet, buffer, tcp: false, out var length);
            if (result != ProcessResult.Respond) continue;
            responded++;
            Assert.InRange(length, 12, 4096);
            // Whatever we answer must itself be a well-formed message.
            DnsMessages.Decode(buffer.AsSpan(0, length));
        }
        Assert.True(responded > 10_000);
    }

    [Fact]
    public async Task Server_AfterAFloodOfGarbage_StillAnswers()
    {
        await using var server = new DnsServer(Zone, new UpstreamForwarder([]), new IPEndPoint(IPAddress.Loopback, 0));
        server.Start();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var random = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            await udp.SendToAsync(junk, SocketFlags.None, server.LocalEndPoint);
        }
        // A TCP client that sends half a message and goes quiet must not block others.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await stalled.ConnectAsync(server.LocalEndPoint);
        await stalled.SendAsync(new byte[] { 0, 40, 1, 2 }, SocketFlags.None);

        var output = await Dig.RunAsync(server.LocalEndPoint, "web.shop.svc.cluster.local", "A");
        Assert.Contains("10.96.0.50", output);
        var tcp = await Dig.RunAsync(server.LocalEndPoint, "+tcp", "web.shop.svc.cluster.local", "A");
        Assert.Contains("10.96.0.50", tcp);
    }
}
