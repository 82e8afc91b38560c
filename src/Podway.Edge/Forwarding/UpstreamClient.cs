using System.Net;
using System.Net.Sockets;

namespace Podway.Edge.Forwarding;

/// <summary>
/// The one outgoing client for every upstream: pooled keep-alive connections, no proxy, no redirects, no
/// decompression, no cookies, no trace headers. Connects through our own callback so that a failed or slow connect
/// is recognisable (<see cref="UpstreamConnectException"/>) and can be retried on another endpoint.
/// </summary>
internal static class UpstreamClient
{
    /// <summary>An upstream connection unused this long is closed (nginx's upstream keepalive_timeout is 60 s).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    public static HttpMessageInvoker Create(TimeSpan connectTimeout, TimeSpan pooledConnectionLifetime)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            PooledConnectionLifetime = pooledConnectionLifetime,
            PooledConnectionIdleTimeout = IdleTimeout,
            EnableMultipleHttp2Connections = true,
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, connectTimeout, ct),
            // backend-protocol HTTPS/GRPCS: like nginx's proxy_ssl_verify off (its default), the backend's certificate
            // is not checked; the Pod network is the trust boundary, as with cleartext backends.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    static async ValueTask<Stream> ConnectAsync(DnsEndPoint target, TimeSpan timeout, CancellationToken ct)
    {
        var host = target.Host.Trim('[', ']');
        if (!IPAddress.TryParse(host, out var address))
            throw new UpstreamConnectException($"upstream {target.Host} is not an IP address");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, target.Port), deadline.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new UpstreamConnectException($"connect to {host}:{target.Port}: {e.SocketErrorCode}", e);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new UpstreamConnectException($"connect to {host}:{target.Port} timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
