using System.Net;
using System.Net.Sockets;
using Podway.Edge.Routing;

namespace Podway.Edge.Streams;

/// <summary>Opens a TCP connection to a usable endpoint of a backend: random order, at most three endpoints, each
/// within the connect timeout (a refused or silent endpoint moves on to the next, as the HTTP forwarder does).</summary>
internal static class StreamConnector
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static async Task<(Socket? Socket, string Error)> ConnectAsync(BackendPool pool, CancellationToken ct)
    {
        var usable = pool.Usable.ToArray();
        if (usable.Length == 0) return (null, $"no ready endpoint for {pool.Namespace}/{pool.Display}");
        Random.Shared.Shuffle(usable);
        var error = "";
        foreach (var upstream in usable.Take(3))
        {
            if (!IPAddress.TryParse(upstream.Address, out var address)) continue;
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, upstream.Port), timeout.Token);
                return (socket, "");
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                socket.Dispose();
                error = $"connect {upstream}: {(e is SocketException s ? s.SocketErrorCode.ToString() : "timed out")}";
            }
        }
        return (null, error);
    }
}
