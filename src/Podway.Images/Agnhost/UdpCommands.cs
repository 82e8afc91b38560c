using System.Net;
using System.Net.Sockets;
using System.Text;
using Podway.Images.Common;
using Podway.Images.Http;

namespace Podway.Images.Agnhost;

/// <summary>netexec's UDP protocol: "hostname", "echo MSG", "clientip" (case-insensitive, trimmed), and its /dial?protocol=udp client.</summary>
internal static class UdpCommands
{
    public static async Task ServeAsync(Socket socket, string hostname, CancellationToken ct)
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try { received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { continue; } // e.g. ICMP errors surfacing on the socket
            var client = (IPEndPoint)received.RemoteEndPoint;
            var text = Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes).Trim().ToLowerInvariant();
            string? reply = null;
            if (text == "hostname")
            {
                GoLog.Printf("Sending udp hostName response");
                reply = hostname;
            }
            else if (text.StartsWith("echo ", StringComparison.Ordinal))
            {
                reply = text[5..];
                GoLog.Printf($"Echoing {reply} to UDP client {PodInfo.Format(client)}");
            }
            else if (text == "clientip")
            {
                GoLog.Printf($"Sending clientip back to UDP client {PodInfo.Format(client)}");
                reply = PodInfo.Format(client);
            }
            else if (text.Length > 0)
            {
                GoLog.Printf($"Unknown UDP command received from {PodInfo.Format(client)}: {text}");
            }
            if (reply is not null)
            {
                try { await socket.SendToAsync(Encoding.UTF8.GetBytes(reply), SocketFlags.None, client, ct); }
                catch (SocketException) { }
            }
        }
    }

    public static async Task<string> DialAsync(IPEndPoint endpoint, string request, TimeSpan timeout)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var target = HttpGetClient.FormatHostPort(endpoint);
        try
        {
            await socket.ConnectAsync(endpoint);
            await socket.SendAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new IOException($"udp connection write failed. err:write udp {target}: {HttpGetClient.GoErrno(e.SocketErrorCode)}");
        }
        var buffer = new byte[2048];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0) throw new IOException("reading from udp connection failed. err:'<nil>'");
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            throw new IOException($"reading from udp connection failed. err:'read udp {PodInfo.Format((IPEndPoint)socket.LocalEndPoint!)}->{target}: i/o timeout'");
        }
        catch (SocketException e)
        {
            throw new IOException($"reading from udp connection failed. err:'read udp {PodInfo.Format((IPEndPoint)socket.LocalEndPoint!)}->{target}: {HttpGetClient.GoErrno(e.SocketErrorCode)}'");
        }
    }
}
