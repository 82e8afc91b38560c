using System.Net;
using System.Net.Sockets;
using System.Text;
using Podway.Images.Common;

namespace Podway.Images.Agnhost;

/// <summary>
/// agnhost connect HOST:PORT: exit 0 when a TCP (or UDP, --protocol=udp) connection works, else exit 1 with
/// stderr starting UNKNOWN, TIMEOUT, DNS, REFUSED or OTHER, the prefixes e2e tests check.
/// </summary>
internal static class Connect
{
    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new PFlags()
            .Duration("timeout", "0s", "Maximum time before returning an error")
            .String("protocol", "tcp", "The protocol to use to perform the connection, can be tcp, udp or sctp")
            .String("udp-data", "hostname", "The UDP payload send to the server")
            .String("sctp-data", "hostname", "The SCTP payload send to the server");
        var positional = CobraCommand.Parse("connect [host:port]", flags, args, 1, 1, out var exit);
        if (positional is null) return exit;
        var dest = positional[0];
        var timeout = flags.GetDuration("timeout");
        return flags.GetString("protocol") switch
        {
            "" or "tcp" => await TcpAsync(dest, timeout),
            "udp" => await UdpAsync(dest, timeout, flags.GetString("udp-data")),
            "sctp" => Fail("OTHER: SCTP is not supported by podway's agnhost"),
            var other => Fail($"Unsupported protocol\n{other}"),
        };
    }

    static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }

    static bool TrySplitHostPort(string dest, out string host, out int port, out string error)
    {
        host = ""; port = 0; error = "";
        var colon = dest.LastIndexOf(':');
        if (colon < 0) { error = $"address {dest}: missing port in address"; return false; }
        host = dest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':')) { error = $"address {dest}: too many colons in address"; return false; }
        var portText = dest[(colon + 1)..];
        if (!int.TryParse(portText, out port) || port < 0 || port > 65535) { error = $"address {dest}: invalid port"; return false; }
        return true;
    }

    static async Task<IPEndPoint?> ResolveAsync(string host, int port, string network)
    {
        if (host.Length == 0) return new IPEndPoint(IPAddress.Loopback, port);
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is null ? null : new IPEndPoint(chosen, port);
        }
        catch (SocketException) { return null; }
    }

    static async Task<int> TcpAsync(string dest, TimeSpan timeout)
    {
        if (!TrySplitHostPort(dest, out var host, out var port, out var error)) return Fail($"UNKNOWN: {error}");
        var endpoint = await ResolveAsync(host, port, "tcp");
        if (endpoint is null) return Fail($"DNS: lookup {host}: no such host");
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = timeout > TimeSpan.Zero ? new CancellationTokenSource(timeout) : new CancellationTokenSource();
        try
        {
            await socket.ConnectAsync(endpoint, cts.Token);
            return 0;
        }
        catch (OperationCanceledException) { return Fail("TIMEOUT"); }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused) { return Fail("REFUSED"); }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut) { return Fail("TIMEOUT"); }
        catch (SocketException e)
        {
            return Fail($"OTHER: dial tcp {dest}: connect: {Http.HttpGetClient.GoErrno(e.SocketErrorCode)}");
        }
    }

    static async Task<int> UdpAsync(string dest, TimeSpan timeout, string data)
    {
        if (!TrySplitHostPort(dest, out var host, out var port, out var error)) return Fail($"DNS: {error}");
        var endpoint = await ResolveAsync(host, port, "udp");
        if (endpoint is null) return Fail($"DNS: lookup {host}: no such host");
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var cts = timeout > TimeSpan.Zero ? new CancellationTokenSource(timeout) : new CancellationTokenSource();
        var local = "";
        try
        {
            await socket.ConnectAsync(endpoint);
            local = PodInfo.Format((IPEndPoint)socket.LocalEndPoint!);
            await socket.SendAsync(Encoding.UTF8.GetBytes(data + "\n"), SocketFlags.None, cts.Token);
            var buffer = new byte[1024];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0) return Fail("OTHER: No data received from the server. Cannot guarantee the server received the request.");
            return 0;
        }
        catch (OperationCanceledException) { return Fail($"TIMEOUT: read udp {local}->{dest}: i/o timeout"); }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Fail($"REFUSED: read udp {local}->{dest}: recvfrom: connection refused");
        }
        catch (SocketException e) { return Fail($"UNKNOWN: {e.Message}"); }
    }
}
