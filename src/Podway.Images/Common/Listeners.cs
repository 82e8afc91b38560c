using System.Net;
using System.Net.Sockets;

namespace Podway.Images.Common;

/// <summary>Sockets bound to all addresses of the pod (dual-stack when the namespace has IPv6, else IPv4), like Go's ":port".</summary>
internal static class Listeners
{
    public static Socket Tcp(int port, int backlog = 512)
    {
        var socket = Bind(SocketType.Stream, ProtocolType.Tcp, port);
        socket.Listen(backlog);
        return socket;
    }

    /// <summary>A TCP listener on "host" ("" = all addresses), for listen flags like ":5678" or "127.0.0.1:5678".</summary>
    public static Socket Tcp(string host, int port)
    {
        if (host.Length == 0) return Tcp(port);
        var ip = IPAddress.Parse(host.Trim('[', ']'));
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(ip, port));
        socket.Listen(512);
        return socket;
    }

    public static Socket Udp(int port) => Bind(SocketType.Dgram, ProtocolType.Udp, port);

    /// <summary>A UDP socket on one address ("" = all), for netexec's --udp-listen-addresses.</summary>
    public static Socket Udp(string address, int port)
    {
        if (address.Length == 0) return Udp(port);
        var ip = IPAddress.Parse(address);
        var socket = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(ip, port));
        return socket;
    }

    static Socket Bind(SocketType type, ProtocolType protocol, int port)
    {
        if (Socket.OSSupportsIPv6)
        {
            var v6 = new Socket(AddressFamily.InterNetworkV6, type, protocol) { DualMode = true };
            try
            {
                if (type == SocketType.Stream) v6.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                v6.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
                return v6;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
            {
                v6.Dispose(); // IPv6 disabled in this namespace
            }
        }
        var v4 = new Socket(AddressFamily.InterNetwork, type, protocol);
        if (type == SocketType.Stream) v4.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        v4.Bind(new IPEndPoint(IPAddress.Any, port));
        return v4;
    }
}
