using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Api.Tls;

/// <summary>What a leaf certificate is for: a server's identity (TLS serverAuth) or a client's (clientAuth), as kubeadm issues them.</summary>
public enum CertificateUse { Server, Client }

/// <summary>The cluster CA's signatures: a self-signed CA and the leaf certificates it issues (ECDSA P-256, SHA-256).</summary>
public static class CertificateIssuer
{
    static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public static X509Certificate2 CreateCa(string commonName, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req.CreateSelfSigned(now.AddMinutes(-5), now.Add(lifetime));
    }

    /// <summary>A leaf signed by <paramref name="ca"/> (which must hold its private key), never outliving it; with its private key.</summary>
    /// <param name="subject">A distinguished name, e.g. "CN=kube-apiserver-kubelet-client, O=system:masters".</param>
    public static X509Certificate2 Issue(X509Certificate2 ca, string subject, CertificateUse use, DateTimeOffset now, TimeSpan lifetime,
        IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([use == CertificateUse.Server ? ServerAuth : ClientAuth], false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = (dnsNames ?? []).ToList();
        var ips = (addresses ?? []).Distinct().ToList();
        if (names.Count + ips.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in names) san.AddDnsName(dns);
            foreach (var ip in ips) san.AddIpAddress(ip);
            req.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // positive
        var notAfter = now.Add(lifetime) < ca.NotAfter ? now.Add(lifetime) : new DateTimeOffset(ca.NotAfter);
        using var cert = req.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return cert.CopyWithPrivateKey(key);
    }

    /// <summary>Whether a certificate's subject alternative names include the address.</summary>
    public static bool Covers(X509Certificate2 cert, IPAddress address) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Any(e => e.EnumerateIPAddresses().Contains(address));
}
