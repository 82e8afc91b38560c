using Podway.Proxy;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Trace;

/// <summary>The answer to one A question: the response code (NOERROR 0, NXDOMAIN 3, ...), the addresses, the time it took.</summary>
public sealed record DnsAnswer(string Name, int Rcode, IReadOnlyList<IPAddress> Addresses, TimeSpan Elapsed, string? Error = null)
{
    public string RcodeText => Error ?? Rcode switch { 0 => Addresses.Count == 0 ? "NODATA" : "NOERROR", 2 => "SERVFAIL", 3 => "NXDOMAIN", 5 => "REFUSED", _ => $"rcode {Rcode}" };
}

/// <summary>
/// Asks one A question over UDP from a socket made in the source's network namespace, so the query takes the path
/// the source's own resolver would (its routes, the node's DNAT to a kube-dns Pod, the policies).
/// </summary>
internal static class DnsLookup
{
    public static DnsAnswer Query(string? netns, IPAddress server, string name, TimeSpan timeout)
    {
        using var socket = NetnsThread.Run(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var question = Question(id, name);
            var buffer = new byte[4096];
            // As a stub resolver does: a lost UDP packet is asked again (after 2 s, then the rest of the timeout).
            foreach (var wait in new[] { TimeSpan.FromSeconds(2), timeout - TimeSpan.FromSeconds(2) })
            {
                socket.SendTo(question, new IPEndPoint(server, 53));
                socket.ReceiveTimeout = (int)Math.Max(100, wait.TotalMilliseconds);
                try
                {
                    while (true)
                    {
                        var n = socket.Receive(buffer);
                        if (n >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id)
                            return Parse(name, buffer.AsSpan(0, n), Stopwatch.GetElapsedTime(started));
                    }
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut) { }
            }
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch (SocketException e)
        {
            var what = e.SocketErrorCode == SocketError.TimedOut ? $"no answer from {server} within {timeout.TotalSeconds:0.#} s" : $"{e.SocketErrorCode} asking {server}";
            return new DnsAnswer(name, -1, [], Stopwatch.GetElapsedTime(started), what);
        }
    }

    static byte[] Question(ushort id, string name)
    {
        var ms = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        header[2] = 0x01; // RD
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        ms.Write(header);
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            ms.WriteByte((byte)bytes.Length);
            ms.Write(bytes);
        }
        ms.Write([0, 0, 1, 0, 1]); // root, type A, class IN
        return ms.ToArray();
    }

    internal static DnsAnswer Parse(string name, ReadOnlySpan<byte> msg, TimeSpan elapsed)
    {
        var rcode = msg[3] & 0x0f;
        int qd = BinaryPrimitives.ReadUInt16BigEndian(msg[4..]), an = BinaryPrimitives.ReadUInt16BigEndian(msg[6..]);
        var pos = 12;
        for (var i = 0; i < qd; i++) pos = SkipName(msg, pos) + 4;
        var addresses = new List<IPAddress>();
        for (var i = 0; i < an && pos < msg.Length; i++)
        {
            pos = SkipName(msg, pos);
            var type = BinaryPrimitives.ReadUInt16BigEndian(msg[pos..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(msg[(pos + 8)..]);
            pos += 10;
            if (type == 1 && length == 4) addresses.Add(new IPAddress(msg.Slice(pos, 4)));
            pos += length;
        }
        return new DnsAnswer(name, rcode, addresses, elapsed);
    }

    static int SkipName(ReadOnlySpan<byte> msg, int pos)
    {
        while (pos < msg.Length)
        {
            var len = msg[pos];
            if (len == 0) return pos + 1;
            if ((len & 0xc0) == 0xc0) return pos + 2;
            pos += len + 1;
        }
        return pos;
    }
}
