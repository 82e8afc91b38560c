using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Api.Tls;

/// <summary>Trust in exactly one CA (the cluster's), not the machine's store: how every podway component checks a peer.</summary>
public static class CaTrust
{
    /// <summary>The certificate chains to <paramref name="ca"/> alone.</summary>
    public static bool ChainsTo(X509Certificate2 ca, X509Certificate? presented)
    {
        if (presented is null) return false;
        using var leaf = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    /// <summary>A TLS client's check of a server: chains to the CA, and the name it was dialled by matches.</summary>
    public static bool ServerTrusted(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors) =>
        !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) && !errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)
        && ChainsTo(ca, presented);
}
