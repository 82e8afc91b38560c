using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Images.Http;

/// <summary>
/// A one-shot HTTP/1.1 GET over a plain socket (connection: close), enough for agnhost's /dial without loading
/// HttpClient into every Pod. Errors are worded like Go's net/http client.
/// </summary>
internal static class HttpGetClient
{
    public static async Task<string> GetBodyAsync(IPEndPoint endpoint, string pathAndQuery, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var url = $"http://{FormatHostPort(endpoint)}{pathAndQuery}";
        try
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endpoint, cts.Token);
            var request = $"GET {pathAndQuery} HTTP/1.1\r\nHost: {FormatHostPort(endpoint)}\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);
            using var stream = new NetworkStream(socket);
            using var all = new MemoryStream();
            await stream.CopyToAsync(all, cts.Token);
            return Decode(all.ToArray());
        }
        catch (OperationCanceledException)
        {
            throw new IOException($"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        catch (SocketException e)
        {
            throw new IOException($"Get \"{url}\": dial tcp {FormatHostPort(endpoint)}: connect: {GoErrno(e.SocketErrorCode)}");
        }
    }

    public static string FormatHostPort(IPEndPoint ep) =>
        ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}";

    public static string GoErrno(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostUnreachable => "no route to host",
        SocketError.NetworkUnreachable => "network is unreachable",
        SocketError.TimedOut => "connection timed out",
        SocketError.ConnectionReset => "connection reset by peer",
        _ => error.ToString(),
    };

    static string Decode(byte[] response)
    {
        var span = response.AsSpan();
        var headEnd = span.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0) throw new IOException("malformed HTTP response");
        var head = Encoding.Latin1.GetString(span[..headEnd]);
        var body = span[(headEnd + 4)..];
        if (head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var decoded = new MemoryStream();
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n"u8);
                if (lineEnd < 0) break;
                var sizeText = Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0].Trim();
                var size = Convert.ToInt32(sizeText, 16);
                if (size == 0) break;
                decoded.Write(body.Slice(lineEnd + 2, size));
                body = body[(lineEnd + 2 + size + 2)..];
            }
            return Encoding.UTF8.GetString(decoded.ToArray());
        }
        return Encoding.UTF8.GetString(body);
    }
}
