using Microsoft.AspNetCore.Http;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Podway.ApiServer;

/// <summary>How one cluster's API server is configured; the executable fills it from flags and the data dir.</summary>
public sealed record ApiServerOptions
{
    public required string ClusterName { get; init; }
    public required string DataDir { get; init; }
    /// <summary>HTTPS port; the server listens on every address in ListenAddresses.</summary>
    public int Port { get; init; } = 6443;
    public IReadOnlyList<IPAddress> ListenAddresses { get; init; } = [IPAddress.Loopback];
    /// <summary>The address Pods reach the API at: the endpoint of the `kubernetes` Service.</summary>
    public required IPAddress AdvertiseAddress { get; init; }
    public required X509Certificate2 ServingCertificate { get; init; }
    /// <summary>The CA that signed the serving certificate: in-process clients (the controllers) trust exactly this.</summary>
    public X509Certificate2? CertificateAuthority { get; init; }
    /// <summary>Bearer tokens accepted (from the data dir); anything else is 401.</summary>
    public required IReadOnlySet<string> Tokens { get; init; }
    public string ServiceCidr { get; init; } = "10.96.0.0/12";
    /// <summary>
    /// The client certificate (with key) the API server presents to kubelets for pods/log, exec, attach, portforward and
    /// metrics; kubelets' serving certificates are checked against CertificateAuthority. Without both, kubelets are out of reach.
    /// </summary>
    public X509Certificate2? KubeletClientCertificate { get; init; }
    /// <summary>How often the metrics API scrapes the kubelets (metrics-server's --metric-resolution); usage is averaged over it.</summary>
    public TimeSpan MetricResolution { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>
    /// Non-resource paths the embedding program serves after authentication (podway's topology page under /podway/):
    /// true when it answered the request.
    /// </summary>
    public Func<HttpContext, string, Task<bool>>? ExtraHandler { get; init; }
    public int NodePortMin { get; init; } = 30000;
    public int NodePortMax { get; init; } = 32767;
}
