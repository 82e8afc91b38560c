using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Podway.Dns.Tests;

/// <summary>
/// A stand-in for the host's resolver on a loopback address (this machine has no outside network): answers every
/// A question with <see cref="Address"/>, or stays silent when <paramref name="silent"/>.
/// </summary>
internal sealed class FakeUpstream : IDisposable
{
    public static readonly byte[] Address = [192, 0, 2, 53];
    readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    readonly CancellationTokenSource _stop = new();
    int _received;

    public FakeUpstream(string ip = "127.0.0.2", bool silent = false)
    {
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
            // Echo the question (header + question only, no OPT), set QR/RA, add one A record pointing at the question.
            int end = 12;
            while (buffer[end] != 0) end += buffer[end] + 1;
            end += 5;
            var answer = new byte[end + 16];
            buffer.AsSpan(0, end).CopyTo(answer);
            answer[2] = (byte)(0x80 | (buffer[2] & 0x01));
            answer[3] = 0x80;
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(6), 1);
            BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(10), 0);
            byte[] rr = [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, .. Address];
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
