using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Edge.Routing;

/// <summary>The certificate served when no Ingress TLS entry applies, like ingress-nginx's fake certificate.</summary>
public static class DefaultCertificate
{
    public const string CommonName = "Kubernetes Ingress Controller Fake Certificate";

    /// <summary>A fresh self-signed RSA certificate (CN as ingress-nginx, SAN `ingress.local`), valid for a year.</summary>
    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={CommonName}, O=Acme Co", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("ingress.local");
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return TlsSecrets.Persistable(cert);
    }
}
