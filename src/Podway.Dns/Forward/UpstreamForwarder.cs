using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Podway.Dns.Forward;

/// <summary>
/// Relays queries outside the cluster zone to the host's resolvers, one after the other, within a fixed total budget
/// so a client hears SERVFAIL quickly (instead of waiting out its own 5 s timeout) when none answer or there are none.
/// A UDP answer with TC set is retried over TCP when the client itself asked over TCP.
/// </summary>
public sealed class UpstreamForwarder
{
    readonly Func<IReadOnlyList<IPEndPoint>> _upstreams;
    readonly TimeSpan _budget;
    readonly TimeSpan? _perUpstream;

    /// <param name="budget">The whole forward, all upstreams together (default 2 s).</param>
    /// <param name="perUpstream">One upstream's share; default: the budget split evenly between the upstreams.</param>
    public UpstreamForwarder(IReadOnlyList<IPEndPoint> upstreams, TimeSpan? budget = null, TimeSpan? perUpstream = null)
        : this(() => upstreams, budget, perUpstream) { }

    /// <param name="upstreams">Asked once per query: the list may change while we run (a re-read resolv.conf).</param>
    public UpstreamForwarder(Func<IReadOnlyList<IPEndPoint>> upstreams, TimeSpan? budget = null, TimeSpan? perUpstream = null)
    {
        _upstreams = upstreams;
        _budget = budget ?? TimeSpan.FromSeconds(2);
        _perUpstream = perUpstream;
    }

    public IReadOnlyList<IPEndPoint> Upstreams => _upstreams();

    /// <summary>Writes the upstream's answer into <paramref name="response"/> and returns its length, or 0 when none answered.</summary>
    public async Task<int> ForwardAsync(ReadOnlyMemory<byte> query, Memory<byte> response, bool overTcp, CancellationToken ct)
    {
        var upstreams = _upstreams();
        if (upstreams.Count == 0 || query.Length < 12) return 0;
        var id = BinaryPrimitives.ReadUInt16BigEndian(query.Span);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(ct);
        total.CancelAfter(_budget);
        var perServer = _perUpstream ?? TimeSpan.FromTicks(_budget.Ticks / upstreams.Count);
        foreach (var upstream in upstreams)
        {
            if (total.IsCancellationRequested) break;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
            attempt.CancelAfter(perServer);
            try
            {
                var n = await UdpAsync(upstream, query, response, id, attempt.Token);
                if (n > 0 && overTcp && (response.Span[2] & 0x02) != 0)
                    n = await TcpAsync(upstream, query, response, id, attempt.Token);
                if (n > 0) return n;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            catch (SocketException) { }
        }
        return 0;
    }

    static async Task<int> UdpAsync(IPEndPoint upstream, ReadOnlyMemory<byte> query, Memory<byte> response, ushort id, CancellationToken ct)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(upstream, ct);
        await socket.SendAsync(query, SocketFlags.None, ct);
        while (true)
        {
            var n = await socket.ReceiveAsync(response, SocketFlags.None, ct);
            // A connected socket only hears that server; still ignore stray or spoofed ids.
            if (n >= 12 && BinaryPrimitives.ReadUInt16BigEndian(response.Span) == id && (response.Span[2] & 0x80) != 0) return n;
        }
    }

    static async Task<int> TcpAsync(IPEndPoint upstream, ReadOnlyMemory<byte> query, Memory<byte> response, ushort id, CancellationToken ct)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(upstream, ct);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)query.Length);
        await socket.SendAsync(prefix, SocketFlags.None, ct);
        await socket.SendAsync(query, SocketFlags.None, ct);
        if (!await ReadExactly(socket, prefix, ct)) return 0;
        int length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (length > response.Length || length < 12 || !await ReadExactly(socket, response[..length], ct)) return 0;
        return BinaryPrimitives.ReadUInt16BigEndian(response.Span) == id ? length : 0;
    }

    internal static async ValueTask<bool> ReadExactly(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, ct);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
