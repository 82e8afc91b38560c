using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Podway.Api.Errors;
using Podway.Api.Tls;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// How the API server reaches kubelets, as kube-apiserver with --kubelet-client-certificate and
/// --kubelet-certificate-authority: HTTPS, the kubelet's serving certificate must chain to the cluster CA and name the
/// address dialled, and the API server presents its own client certificate.
/// </summary>
public sealed class KubeletConnector(X509Certificate2? clientCertificate, X509Certificate2? certificateAuthority)
{
    /// <summary>For plain requests (logs, metrics); <paramref name="timeout"/> bounds each whole request.</summary>
    public HttpClient CreateHttpClient(TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (clientCertificate is not null && certificateAuthority is { } ca)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) => CaTrust.ServerTrusted(ca, cert, errors);
        }
        return new HttpClient(handler) { Timeout = timeout };
    }

    public static Uri Url(string host, int port, string path, string query = "") =>
        new UriBuilder(Uri.UriSchemeHttps, host, port, path) { Query = query }.Uri;

    /// <summary>A TLS connection for an upgraded request (exec, attach, portforward).</summary>
    public async Task<(TcpClient Socket, Stream Stream)> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var ca = certificateAuthority ?? throw ApiException.Internal("error dialing backend: the API server has no kubelet client credentials");
        var socket = new TcpClient { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct);
            var tls = new SslStream(socket.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, cert, _, errors) => CaTrust.ServerTrusted(ca, cert, errors),
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }, ct);
            return (socket, tls);
        }
        catch (Exception e)
        {
            socket.Dispose();
            if (e is SocketException or AuthenticationException or IOException)
                throw ApiException.Internal($"error dialing backend: dial tcp {host}:{port}: {e.Message}");
            throw;
        }
    }
}
