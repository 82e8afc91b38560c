using System.Net;
using System.Net.Sockets;

namespace Podway.HostSystem;

/// <summary>Checks a TCP port is free before the server tries to bind it, so the error names the flag.</summary>
internal static class PortProbe
{
    public static bool IsFree(int port)
    {
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.Any })
        {
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException) { return false; }
        }
        return true;
    }
}
