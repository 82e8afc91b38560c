using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Podway.Dns.Tests;

/// <summary>
/// A stand-in for the host's resolver on a loopback address (this machine has no outside network): answers every
/// question with one A record <see cref="Address"/> of the given TTL, or with <paramref name="rcode"/> (NXDOMAIN
/// with an SOA of that TTL in the authority section, anything else with no records), or stays silent when
/// <paramref name="silent"/>.
/// </summary>
internal sealed class FakeUpstream : IDisposable
{
    public static readonly byte[] Address = [192, 0, 2, 53];
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly CancellationTokenSource _stop = new();
    int _received;

    readonly int _rcode;
    readonly uint _ttl;

    public FakeUpstream(string ip = "127.0.0.2", bool silent = false, int rcode = 0, uint ttl = 60)
    {
        _rcode = rcode;
        _ttl = ttl;
        _socket.Bind(new IPEndPoint(IPAddress.Parse(ip), 0));
        _ = Task.Run(() => LoopAsync(silent));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;
    public int Received => Volatile.Read(ref _received);

    async Task LoopAsync(bool silent)
    {
        var buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try { r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _received);
            if (silent) continue;
            // Echo the question (header + question only, no OPT), set QR/RA and the rcode, add the record.
            int end = 12;
            while (buffer[end] != 0) end += buffer[end] + 1;
            end += 5;
            byte[] ttl = [(byte)(_ttl >> 24), (byte)(_ttl >> 16), (byte)(_ttl >> 8), (byte)_ttl];
            byte[] rr = _rcode switch
            {
                0 => [0xC0, 12, 0, 1, 0, 1, .. ttl, 0, 4, .. Address],
                // SOA "invalid." hostmaster.invalid. serial refresh retry expire minimum
                3 => [0xC0, 12, 0, 6, 0, 1, .. ttl, 0, 31, 7, (byte)'i', (byte)'n', (byte)'v', (byte)'a', (byte)'l', (byte)'i', (byte)'d', 0,
                      0xC0, 12, 0, 0, 0, 1, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 60, .. ttl],
                _ => [],
            };
            var answer = new byte[end + rr.Length];
            buffer.AsSpan(0, end).CopyTo(answer);
            answer[2] = (byte)(0x80 | (buffer[2] & 0x01));
            answer[3] = (byte)(0x80 | _rcode);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(6), (ushort)(_rcode == 0 ? 1 : 0));
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(8), (ushort)(_rcode == 3 ? 1 : 0));
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(10), 0);
            rr.CopyTo(answer, end);
            try { await _socket.SendToAsync(answer, SocketFlags.None, r.RemoteEndPoint); } catch (SocketException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }
}
