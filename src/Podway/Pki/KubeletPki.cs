using System.Net;
using System.Security.Cryptography.X509Certificates;
using Podway.Api.Tls;
using Podway.Node.Streaming;

namespace Podway.Pki;

/// <summary>
/// The kubelet's TLS, as kubeadm sets it up: each node's kubelet serves with a certificate the cluster CA signed for
/// the node's IP and name (the API server checks it, kube-apiserver's --kubelet-certificate-authority), and the API
/// server authenticates to kubelets with a client certificate of its own (--kubelet-client-certificate). Issued by the
/// control plane, which holds the CA key; an agent only reads its node's pair. Kept in DATA/pki, renewed near expiry.
/// </summary>
internal static class KubeletPki
{
    public static X509Certificate2 LoadOrIssueApiServerClient(string pkiDir, DateTimeOffset now) =>
        LoadOrIssue(pkiDir, "apiserver-kubelet-client", now, _ => true, ca =>
            CertificateIssuer.Issue(ca, $"CN={KubeletServerOptions.ApiServerUser}, O=kubeadm:cluster-admins", CertificateUse.Client, now, ClusterPki.ServingLifetime));

    public static X509Certificate2 LoadOrIssueServing(string pkiDir, string nodeName, IPAddress nodeIp, DateTimeOffset now) =>
        LoadOrIssue(pkiDir, ServingName(nodeName), now, cert => CertificateIssuer.Covers(cert, nodeIp), ca =>
            CertificateIssuer.Issue(ca, $"CN={nodeName}", CertificateUse.Server, now, ClusterPki.ServingLifetime, [nodeName], [nodeIp]));

    /// <summary>What the agent of <paramref name="nodeName"/> serves with (the control plane issued it before starting the agent).</summary>
    public static X509Certificate2 LoadServing(string pkiDir, string nodeName) =>
        X509Certificate2.CreateFromPemFile(Path.Combine(pkiDir, ServingName(nodeName) + ".crt"), Path.Combine(pkiDir, ServingName(nodeName) + ".key"));

    static string ServingName(string nodeName) => $"kubelet-{nodeName}";

    static X509Certificate2 LoadOrIssue(string pkiDir, string name, DateTimeOffset now, Func<X509Certificate2, bool> fits, Func<X509Certificate2, X509Certificate2> issue)
    {
        var (certFile, keyFile) = (Path.Combine(pkiDir, name + ".crt"), Path.Combine(pkiDir, name + ".key"));
        if (File.Exists(certFile) && File.Exists(keyFile))
        {
            var stored = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(pkiDir, "ca.crt"));
            if (stored.NotAfter.ToUniversalTime() - now.UtcDateTime >= ClusterPki.RenewBefore && fits(stored) && CaTrust.ChainsTo(ca, stored))
                return stored;
            stored.Dispose();
        }
        using (var ca = X509Certificate2.CreateFromPemFile(Path.Combine(pkiDir, "ca.crt"), Path.Combine(pkiDir, "ca.key")))
        using (var fresh = issue(ca))
        {
            ClusterPki.WritePem(keyFile, fresh.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), secret: true);
            ClusterPki.WritePem(certFile, fresh.ExportCertificatePem(), secret: false);
        }
        return X509Certificate2.CreateFromPemFile(certFile, keyFile);
    }
}
