using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.E2E;

/// <summary>
/// The "host's resolver" of the test clusters: a tiny DNS server on a loopback address of its own, port 53 (UDP and
/// TCP), so no test query ever leaves the machine. It answers <c>example.test. A 192.0.2.7</c>, stays silent for
/// <c>silent.test</c>, and says NXDOMAIN to everything else; it records every name it was asked.
/// </summary>
public sealed class LoopbackResolver : IAsyncDisposable
{
    public const string Name = "example.test", SilentName = "silent.test";
    public static readonly IPAddress Answer = IPAddress.Parse("192.0.2.7");

    readonly Socket _udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly TcpListener _tcp;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loops;

    public IPAddress Address { get; }
    public ConcurrentQueue<string> Asked { get; } = new();

    /// <summary>On a random 127.53.x.y, so parallel clusters' resolvers never collide.</summary>
    public LoopbackResolver()
    {
        Address = new IPAddress([127, 53, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
        _udp.Bind(new IPEndPoint(Address, 53));
        _tcp = new TcpListener(Address, 53);
        _tcp.Start();
        _loops = Task.WhenAll(Task.Run(UdpLoopAsync), Task.Run(TcpLoopAsync));
    }

    async Task UdpLoopAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try { r = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token); }
            catch (SocketException) { continue; }
            catch (Exception) { return; }
            if (Respond(buffer.AsSpan(0, r.ReceivedBytes)) is { } reply)
                try { await _udp.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint); } catch (SocketException) { }
        }
    }

    async Task TcpLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _tcp.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using var c = client;
                var stream = c.GetStream();
                var prefix = new byte[2];
                try
                {
                    await stream.ReadExactlyAsync(prefix, _stop.Token);
                    var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                    await stream.ReadExactlyAsync(query, _stop.Token);
                    if (Respond(query) is not { } reply) return;
                    BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)reply.Length);
                    await stream.WriteAsync(prefix, _stop.Token);
                    await stream.WriteAsync(reply, _stop.Token);
                }
                catch (Exception) { }
            });
        }
    }

    /// <summary>The reply to one query: header and question echoed, QR and RA set, one A record or NXDOMAIN.</summary>
    byte[]? Respond(ReadOnlySpan<byte> query)
    {
        if (query.Length < 17 || (query[2] & 0x80) != 0) return null;
        int pos = 12;
        var name = new StringBuilder();
        while (pos < query.Length && query[pos] != 0)
        {
            int len = query[pos];
            if (len > 63 || pos + 1 + len >= query.Length) return null;
            name.Append(Encoding.ASCII.GetString(query.Slice(pos + 1, len))).Append('.');
            pos += 1 + len;
        }
        if (pos + 5 > query.Length) return null;
        var asked = name.ToString().TrimEnd('.').ToLowerInvariant();
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(query[(pos + 1)..]);
        Asked.Enqueue(asked);
        if (asked == SilentName) return null;
        int questionEnd = pos + 5;
        bool hit = asked == Name && type == 1;
        var reply = new byte[questionEnd + (hit ? 16 : 0)];
        query[..questionEnd].CopyTo(reply);
        reply[2] = (byte)(0x80 | (query[2] & 0x01));
        reply[3] = (byte)(0x80 | (asked == Name ? 0 : 3)); // RA; NOERROR or NXDOMAIN
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(6), (ushort)(hit ? 1 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(8), 0); // no authority or additional (EDNS dropped)
        if (hit)
        {
            byte[] rr = [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, .. Answer.GetAddressBytes()];
            rr.CopyTo(reply, questionEnd);
        }
        return reply;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Stop();
        try { await _loops; } catch (Exception) { }
        _stop.Dispose();
    }
}
