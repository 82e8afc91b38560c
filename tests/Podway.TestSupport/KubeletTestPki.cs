using System.Net;
using System.Security.Cryptography.X509Certificates;
using Podway.Api.Tls;

namespace Podway.TestSupport;

/// <summary>A throwaway cluster CA with the kubelet's certificates, as `podway up` issues them, for a kubelet on 127.0.0.1.</summary>
public sealed class KubeletTestPki : IDisposable
{
    static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public KubeletTestPki()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateIssuer.CreateCa("podway-test-ca", now, Lifetime);
        Ca = X509CertificateLoader.LoadCertificate(ca.RawData);
        KubeletServing = CertificateIssuer.Issue(ca, "CN=node-1", CertificateUse.Server, now, Lifetime, ["node-1"], [IPAddress.Loopback]);
        ApiServerClient = Client(ca, "kube-apiserver-kubelet-client");
        Stranger = Client(ca, "system:node:intruder");
        using var otherCa = CertificateIssuer.CreateCa("another-ca", now, Lifetime);
        ForeignApiServerClient = Client(otherCa, "kube-apiserver-kubelet-client");
    }

    /// <summary>The CA's certificate without its key.</summary>
    public X509Certificate2 Ca { get; }
    public X509Certificate2 KubeletServing { get; }
    /// <summary>The user the kubelet authorizes.</summary>
    public X509Certificate2 ApiServerClient { get; }
    /// <summary>Same CA, another user: authenticated, not authorized.</summary>
    public X509Certificate2 Stranger { get; }
    /// <summary>The right name from the wrong CA: not authenticated.</summary>
    public X509Certificate2 ForeignApiServerClient { get; }

    /// <summary>An HttpClient that trusts this CA for the server and presents <paramref name="client"/> (or nothing).</summary>
    public HttpClient HttpClient(X509Certificate2? client)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) => CaTrust.ServerTrusted(Ca, cert, errors);
        if (client is not null) handler.SslOptions.ClientCertificates = [client];
        return new HttpClient(handler);
    }

    static X509Certificate2 Client(X509Certificate2 ca, string user) =>
        CertificateIssuer.Issue(ca, $"CN={user}", CertificateUse.Client, DateTimeOffset.UtcNow, Lifetime);

    public void Dispose()
    {
        foreach (var c in new[] { Ca, KubeletServing, ApiServerClient, Stranger, ForeignApiServerClient }) c.Dispose();
    }
}
