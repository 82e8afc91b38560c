using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Podway.Api.Tls;
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
    internal static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(365);
    internal static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static ClusterCredentials LoadOrCreate(ClusterPaths paths, ClusterConfig config, DateTimeOffset now)
    {
        Directory.CreateDirectory(paths.PkiDir);
        File.SetUnixFileMode(paths.PkiDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        if (!File.Exists(paths.CaCert) || !File.Exists(paths.CaKey))
        {
            using var ca = CertificateIssuer.CreateCa($"podway-{config.Name}-ca", now, CaLifetime);
            WritePem(paths.CaCert, ca.ExportCertificatePem(), secret: false);
            WritePem(paths.CaKey, ca.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            File.Delete(paths.ServingCert); // a new CA invalidates any old serving certificate
        }
        var caCert = X509Certificate2.CreateFromPemFile(paths.CaCert, paths.CaKey);

        var serving = File.Exists(paths.ServingCert) && File.Exists(paths.ServingKey)
            ? X509Certificate2.CreateFromPemFile(paths.ServingCert, paths.ServingKey)
            : null;
        if (serving is null || serving.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || !CertificateIssuer.Covers(serving, config.Advertise))
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

    static X509Certificate2 CreateServing(X509Certificate2 ca, IPAddress advertise, DateTimeOffset now) =>
        CertificateIssuer.Issue(ca, "CN=kube-apiserver", CertificateUse.Server, now, ServingLifetime,
            ServingDnsNames, FixedServingIps.Append(advertise));

    internal static void WritePem(string path, string text, bool secret)
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
