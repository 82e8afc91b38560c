using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Podway.Cluster;

namespace Podway.Pki;

/// <summary>Creates on first use, and reloads afterwards, the cluster's CA, API serving certificate and admin token.</summary>
internal static class ClusterPki
{
    public static readonly string[] ServingDnsNames =
        ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
    public static readonly IPAddress[] FixedServingIps = [IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.96.0.1")];

    // kubeadm's lifetimes: CA 10 years, serving certificate 1 year (renewed by `up` when near expiry).
    static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(365);
    static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static ClusterCredentials LoadOrCreate(ClusterPaths paths, ClusterConfig config, DateTimeOffset now)
    {
        Directory.CreateDirectory(paths.PkiDir);
        File.SetUnixFileMode(paths.PkiDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        if (!File.Exists(paths.CaCert) || !File.Exists(paths.CaKey))
        {
            using var ca = CreateCa(config.Name, now);
            WritePem(paths.CaCert, ca.ExportCertificatePem(), secret: false);
            WritePem(paths.CaKey, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            File.Delete(paths.ServingCert); // a new CA invalidates any old serving certificate
        }
        var caCert = X509Certificate2.CreateFromPemFile(paths.CaCert, paths.CaKey);

        var serving = File.Exists(paths.ServingCert) && File.Exists(paths.ServingKey)
            ? X509Certificate2.CreateFromPemFile(paths.ServingCert, paths.ServingKey)
            : null;
        if (serving is null || serving.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || !CoversAddress(serving, config.Advertise))
        {
            serving?.Dispose();
            using var fresh = CreateServing(caCert, config.Advertise, now);
            WritePem(paths.ServingCert, fresh.ExportCertificatePem(), secret: false);
            WritePem(paths.ServingKey, fresh.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            serving = X509Certificate2.CreateFromPemFile(paths.ServingCert, paths.ServingKey);
        }

        if (!File.Exists(paths.AdminToken))
            WritePem(paths.AdminToken, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n", secret: true);
        var token = File.ReadAllText(paths.AdminToken).Trim();

        // The CA's private key is only needed to sign; keep just its public certificate in memory.
        var caPublic = X509CertificateLoader.LoadCertificate(caCert.RawData);
        caCert.Dispose();
        return new ClusterCredentials(caPublic, serving, token);
    }

    static X509Certificate2 CreateCa(string clusterName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN=podway-{clusterName}-ca", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        return req.CreateSelfSigned(now.AddMinutes(-5), now.Add(CaLifetime));
    }

    static X509Certificate2 CreateServing(X509Certificate2 ca, IPAddress advertise, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in ServingDnsNames) san.AddDnsName(dns);
        foreach (var ip in FixedServingIps.Append(advertise).Distinct()) san.AddIpAddress(ip);
        req.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // positive
        var notAfter = now.Add(ServingLifetime) < ca.NotAfter ? now.Add(ServingLifetime) : new DateTimeOffset(ca.NotAfter);
        using var cert = req.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return cert.CopyWithPrivateKey(key);
    }

    static bool CoversAddress(X509Certificate2 cert, IPAddress address) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Any(e => e.EnumerateIPAddresses().Contains(address));

    static void WritePem(string path, string text, bool secret)
    {
        var tmp = path + ".tmp";
        using (var f = new FileStream(tmp, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write,
            UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        }))
        using (var w = new StreamWriter(f)) w.Write(text);
        File.Move(tmp, path, overwrite: true);
    }
}
