using Podway.Proxy;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Trace;

/// <summary>
/// The real request: a TCP connection from a socket made in the source's network namespace (the host's for FROM
/// host) to the destination trace found, an HTTP GET with the URL's Host (and SNI over TLS), the status and time.
/// </summary>
internal static class ConnectLayer
{
    public static async Task<LayerResult> RunAsync(TraceState st, TraceEnvironment env, CancellationToken ct)
    {
        if (st.Destination is not { } dest) return LayerResult.Skip("connect", "no destination address to connect to");
        var host = st.HttpHost ?? dest.Address.ToString();
        var scheme = st.Https ? "https" : "http";
        X509Certificate2? served = null;
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = env.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (_, token) =>
            {
                var socket = NetnsThread.Run(st.SourceNetns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                try { await socket.ConnectAsync(dest, token); }
                catch { socket.Dispose(); throw; }
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                // Trace reports the certificate (the tls layer judges it); it does not refuse to look at it.
                RemoteCertificateValidationCallback = (_, cert, _, _) => { served = cert is null ? null : new X509Certificate2(cert); return true; },
            },
        };
        using var client = new HttpClient(handler) { Timeout = env.ConnectTimeout };
        var port = st.Https && dest.Port == 443 || !st.Https && dest.Port == 80 ? "" : ":" + dest.Port;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://{host}{port}{st.Path}");
        request.Headers.UserAgent.ParseAdd("podway-trace");
        var started = Stopwatch.GetTimestamp();
        var via = st.SourceNetns is null ? "from the host" : $"from netns {st.SourceNetns}";
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var code = (int)response.StatusCode;
            var server = response.Headers.Server.ToString();
            var saw = $"GET {request.RequestUri} to {dest} {via}: HTTP {code} {response.ReasonPhrase} in {ms:0.#} ms" +
                (served is null ? "" : $" (certificate {served.Subject})") + (server.Length > 0 ? $", Server: {server}" : "");
            var details = new Dictionary<string, object?> { ["status"] = code, ["milliseconds"] = Math.Round(ms, 1), ["destination"] = dest.ToString(), ["certificate"] = served?.Subject };
            if (code >= 500)
                return LayerResult.Fail("connect", saw, code == 503 ? "the edge has no ready endpoint for the backend: see endpoints" : "the server answered with an error: look at its logs (kubectl logs)") with { Details = details };
            return LayerResult.Pass("connect", saw) with { Details = details };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var inner = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
            var what = inner?.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.TimedOut or SocketError.HostUnreachable => "no answer (dropped)",
                _ when e is TaskCanceledException => $"no answer within {env.ConnectTimeout.TotalSeconds:0.#} s (dropped)",
                _ => e.InnerException?.Message ?? e.Message,
            };
            return LayerResult.Fail("connect", $"GET {request.RequestUri} to {dest} {via}: {what} after {ms:0} ms",
                what.StartsWith("connection refused", StringComparison.Ordinal) ? "nothing accepts the connection there: see the layers above (endpoints, port)" : "the packet is lost on the way: see the policy and nftables layers")
                with { Details = new Dictionary<string, object?> { ["error"] = what, ["milliseconds"] = Math.Round(ms, 1), ["destination"] = dest.ToString() } };
        }
    }
}
