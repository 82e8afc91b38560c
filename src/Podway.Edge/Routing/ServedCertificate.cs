using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;

namespace Podway.Edge.Routing;

/// <summary>A certificate with its key, the intermediates that followed it in tls.crt, and (made on first use) the
/// SslStream context that sends them.</summary>
public sealed class ServedCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates)
{
    static readonly ConditionalWeakTable<X509Certificate2, ServedCertificate> Wrapped = new();
    SslStreamCertificateContext? _context;

    /// <summary>A certificate without intermediates (the default one), wrapped once so its context is made once.</summary>
    public static ServedCertificate Of(X509Certificate2 certificate) => Wrapped.GetValue(certificate, c => new ServedCertificate(c, []));

    public X509Certificate2 Certificate { get; } = certificate;
    public X509Certificate2Collection Intermediates { get; } = intermediates;

    /// <summary>For <c>SslServerAuthenticationOptions.ServerCertificateContext</c>: the leaf plus intermediates,
    /// chained offline (no AIA fetches).</summary>
    public SslStreamCertificateContext Context =>
        _context ??= SslStreamCertificateContext.Create(Certificate, Intermediates, offline: true);
}
