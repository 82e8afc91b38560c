using Xunit;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Podway.ApiServer;
using Podway.Client;
using Podway.Storage;

namespace Podway.TestSupport;

/// <summary>
/// The real Podway API server, in process, on a SQLite store in a temp dir, served over HTTPS with a throwaway CA;
/// tests talk to it only through ApiClient, exactly as the controllers do.
/// </summary>
public sealed class RealApiServer : IAsyncLifetime
{
    const string Token = "test-token";
    readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("podway-apiserver-test-");
    SqliteObjectStore? _store;
    ApiServerHost? _host;

    public ApiClient Client { get; private set; } = null!;
    public Uri Url => _host!.Url;
    public string BearerToken => Token;
    public X509Certificate2 CaCertificate { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (ca, serving) = MakeCertificates();
        _store = await SqliteObjectStore.OpenAsync(Path.Combine(_dataDir.FullName, "store.db"));
        var options = new ApiServerOptions
        {
            ClusterName = "test" + Guid.NewGuid().ToString("N")[..6],
            DataDir = _dataDir.FullName,
            Port = FreePort(),
            AdvertiseAddress = IPAddress.Parse("172.31.255.1"), // only written into the kubernetes Endpoints; must not be loopback
            ServingCertificate = serving,
            Tokens = new HashSet<string> { Token },
        };
        _host = await ApiServerHost.StartAsync(options, _store);
        CaCertificate = ca;
        Client = new ApiClient(_host.Url, Token, ca);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
        _dataDir.Delete(recursive: true);
    }

    static (X509Certificate2 Ca, X509Certificate2 Serving) MakeCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=podway-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        // Kestrel on Linux wants a certificate whose key came from a PFX round-trip.
        var serving = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(key).Export(X509ContentType.Pfx), null);
        return (X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert)), serving);
    }

    static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
