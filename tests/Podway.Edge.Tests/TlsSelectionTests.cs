using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Podway.Edge.Routing;
using static Podway.Edge.Tests.EdgeObjects;

namespace Podway.Edge.Tests;

/// <summary>Certificates chosen by SNI from `spec.tls` Secrets, the default certificate, and Secret problems.</summary>
public class TlsSelectionTests
{
    static readonly (string Crt, string Key) Shop = Pem(ecdsa: false, "shop.example.com");
    static readonly (string Crt, string Key) Wild = Pem(ecdsa: true, "*.example.com");
    static readonly (string Crt, string Key) Other = Pem(ecdsa: false, "other.example.com");

    static EdgeConfig Config(params System.Text.Json.Nodes.JsonObject[] secrets) => Build(
    [
        Ingress("shop", "store", 10, [Rule("shop.example.com", Path("/", "Prefix", Backend("web", 80)))],
            tls: [Tls("shop-tls", "shop.example.com"), Tls("wild-tls", "*.example.com")]),
        Ingress("shop", "younger", 5, [Rule("shop.example.com", Path("/x", "Prefix", Backend("web", 80)))],
            tls: [Tls("other-tls", "shop.example.com")]),
    ], services: [Service("shop", "web", ("http", 80))], secrets: secrets);

    static readonly EdgeConfig Good = Config(
        TlsSecret("shop", "shop-tls", Shop.Crt, Shop.Key), TlsSecret("shop", "wild-tls", Wild.Crt, Wild.Key),
        TlsSecret("shop", "other-tls", Other.Crt, Other.Key));

    public static TheoryData<string?, string> Sni => new()
    {
        { "shop.example.com", "CN=shop.example.com" }, // exact tls host beats the wildcard; the older Ingress wins
        { "SHOP.example.com", "CN=shop.example.com" },
        { "foo.example.com", "CN=*.example.com" },
        { "a.b.example.com", $"CN={DefaultCertificate.CommonName}, O=Acme Co" },
        { "example.com", $"CN={DefaultCertificate.CommonName}, O=Acme Co" },
        { null, $"CN={DefaultCertificate.CommonName}, O=Acme Co" },
    };

    [Theory]
    [MemberData(nameof(Sni))]
    public void CertificateFor_Sni_ExactThenWildcardThenDefault(string? serverName, string subject)
    {
        Assert.Equal(subject, Good.CertificateFor(serverName).Subject);
        Assert.Empty(Good.Problems);
    }

    public static TheoryData<string, System.Text.Json.Nodes.JsonObject?, string> BadSecrets => new()
    {
        { "missing", null, "Secret \"shop/shop-tls\" for TLS not found" },
        { "wrong type", TlsSecret("shop", "shop-tls", Shop.Crt, Shop.Key, type: "Opaque"), "has type \"Opaque\", not kubernetes.io/tls" },
        { "no key", TlsSecret("shop", "shop-tls", Shop.Crt, null), "has no tls.key" },
        { "garbage PEM", TlsSecret("shop", "shop-tls", "not a pem", Shop.Key), "has no usable certificate and key" },
        { "key of another cert", TlsSecret("shop", "shop-tls", Shop.Crt, Other.Key), "has no usable certificate and key" },
    };

    [Theory]
    [MemberData(nameof(BadSecrets))]
    public void CertificateFor_UnusableSecret_DefaultCertificateAndProblemNamingSecret(string why, System.Text.Json.Nodes.JsonObject? secret, string message)
    {
        var build = () => Build(
            [Ingress("shop", "store", 10, [Rule("shop.example.com", Path("/", "Prefix", Backend("web", 80)))], tls: [Tls("shop-tls", "shop.example.com")])],
            services: [Service("shop", "web", ("http", 80))], secrets: secret is null ? [] : [secret]);
        var config = build();
        Assert.Same(Fake, config.CertificateFor("shop.example.com"));
        var problem = Assert.Single(config.Problems);
        Assert.Equal(("shop/store", "BadConfig"), (problem.Ingress.ToString(), problem.Reason));
        Assert.Contains(message, problem.Message);
        Assert.True(problem.Message.Contains("shop/shop-tls"), why);
        // Still a TLS host: plain HTTP is redirected even though the default certificate is served.
        Assert.Equal("redirect https://shop.example.com/", Show(config.Route("shop.example.com", "/", false)));
    }

    [Fact]
    public void CertificateFor_SecretFromAnotherNamespace_NotUsed()
    {
        var config = Build([Ingress("shop", "store", 1, [], tls: [Tls("shop-tls", "shop.example.com")], defaultBackend: Backend("web", 80))],
            secrets: [TlsSecret("elsewhere", "shop-tls", Shop.Crt, Shop.Key)]);
        Assert.Same(Fake, config.CertificateFor("shop.example.com"));
    }

    [Fact]
    public void DefaultCertificate_Create_SelfSignedWithKeyAsIngressNginx()
    {
        using var cert = DefaultCertificate.Create();
        Assert.Equal(cert.Subject, cert.Issuer);
        Assert.Contains("CN=Kubernetes Ingress Controller Fake Certificate", cert.Subject);
        Assert.True(cert.HasPrivateKey);
    }

    [Theory]
    [InlineData("shop.example.com", "CN=shop.example.com")] // RSA from PEM
    [InlineData("foo.example.com", "CN=*.example.com")] // ECDSA from PEM
    [InlineData("unknown.test", "CN=Kubernetes Ingress Controller Fake Certificate, O=Acme Co")]
    public async Task CertificateFor_UsedBySslStream_HandshakeServesIt(string sni, string subject)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateSelectionCallback = (_, name) => Good.CertificateFor(name) });
            await tls.WriteAsync("ok"u8.ToArray());
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        X509Certificate? seen = null;
        await using var stream = new SslStream(client.GetStream(), false, (_, cert, _, _) => { seen = cert; return true; });
        await stream.AuthenticateAsClientAsync(sni);
        var buffer = new byte[2];
        await stream.ReadExactlyAsync(buffer);
        await serve;
        Assert.Equal(subject, seen!.Subject);
    }
}

public class TlsChainTests
{
    [Fact]
    public async Task ServedCertificateFor_ChainInTlsCrt_HandshakeSendsIntermediate()
    {
        using var rootKey = System.Security.Cryptography.ECDsa.Create();
        var rootReq = new CertificateRequest("CN=test-root", rootKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        rootReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        using var midKey = System.Security.Cryptography.ECDsa.Create();
        var midReq = new CertificateRequest("CN=test-intermediate", midKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        midReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var mid = midReq.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(5), [1, 2, 3]).CopyWithPrivateKey(midKey);
        using var leafKey = System.Security.Cryptography.ECDsa.Create();
        var leafReq = new CertificateRequest("CN=chain.example.com", leafKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var leaf = leafReq.Create(mid, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2), [4, 5, 6]);
        var config = Build(
            [Ingress("shop", "chain", 1, [], tls: [Tls("chain-tls", "chain.example.com")], defaultBackend: Backend("web", 80))],
            services: [Service("shop", "web", ("http", 80))],
            secrets: [TlsSecret("shop", "chain-tls", leaf.ExportCertificatePem() + "\n" + mid.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem())]);
        Assert.Empty(config.Problems);
        var served = config.ServedCertificateFor("chain.example.com");
        Assert.Equal("CN=test-intermediate", Assert.Single(served.Intermediates).Subject);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = served.Context });
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var sent = new List<string>();
        await using var stream = new SslStream(client.GetStream(), false, (_, _, chain, _) =>
        {
            sent.AddRange(chain!.ChainPolicy.ExtraStore.Select(c => c.Subject));
            return true;
        });
        await stream.AuthenticateAsClientAsync("chain.example.com");
        await serve;
        Assert.Contains("CN=test-intermediate", sent);
    }
}

public class TlsParseOnceTests
{
    [Fact]
    public void Build_SameSecretInstanceTwice_CertificateParsedOnce()
    {
        var (crt, key) = Pem(ecdsa: true, "once.example.com");
        var secret = TlsSecret("shop", "once", crt, key);
        var ingress = Ingress("shop", "once", 1, [], tls: [Tls("once", "once.example.com")], defaultBackend: Backend("web", 80));
        var first = Build([ingress], secrets: [secret]).CertificateFor("once.example.com");
        Assert.Same(first, Build([ingress], secrets: [secret]).CertificateFor("once.example.com"));
        Assert.NotSame(first, Build([ingress], secrets: [TlsSecret("shop", "once", crt, key)]).CertificateFor("once.example.com"));
    }
}
