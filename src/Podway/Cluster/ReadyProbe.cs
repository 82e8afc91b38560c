using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Cluster;

/// <summary>Asks the API server's /readyz over HTTPS the way kubectl would: trusting only the cluster CA, with the admin token.</summary>
internal sealed class ReadyProbe(int port, X509Certificate2 ca, string token) : IDisposable
{
    readonly HttpClient _http = new(new SocketsHttpHandler
    {
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, errors) => Podway.Api.Tls.CaTrust.ServerTrusted(ca, cert, errors),
        },
        ConnectTimeout = TimeSpan.FromSeconds(2),
    })
    { Timeout = TimeSpan.FromSeconds(3) };

    public Uri Url { get; } = new($"https://127.0.0.1:{port}/readyz");

    public async Task<bool> IsReadyAsync(CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, Url);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var resp = await _http.SendAsync(req, ct);
            return resp.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();
}
