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
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && ChainsTo(cert, ca),
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

    static bool ChainsTo(X509Certificate cert, X509Certificate2 ca)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf) && leaf.MatchesHostname("127.0.0.1");
    }

    public void Dispose() => _http.Dispose();
}
