using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Images.Common;

/// <summary>
/// The TLS certificate the real images bake in (agnhost's localhost.crt, mendhak's self-signed one), made at
/// start-up instead: ECDSA P-256 (fast to generate), SANs localhost, 127.0.0.1, ::1 and the pod's hostname.
/// </summary>
internal static class SelfSignedCertificate
{
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(PodInfo.Hostname());
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>PEM files when both exist, else a generated certificate.</summary>
    public static X509Certificate2 FromFilesOrCreate(string certFile, string keyFile)
    {
        if (!File.Exists(certFile) || !File.Exists(keyFile)) return Create();
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
