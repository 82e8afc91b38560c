using System.Net;
using System.Security.Cryptography.X509Certificates;
using Podway.Api.Tls;
using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli.Tests;

public sealed class KubeletPkiTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("podway-kubelet-pki-").FullName;
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    static readonly IPAddress NodeIp = IPAddress.Parse("10.250.3.2");

    ClusterPaths Paths => new("dev", _dir);

    ClusterCredentials Cluster() => ClusterPki.LoadOrCreate(Paths, new ClusterConfig
    {
        Name = "dev", ApiPort = 6443, PodCidr = "10.244.0.0/16", ServiceCidr = "10.96.0.0/12",
        NodeCidr = "10.250.3.0/24", AdvertiseAddress = "10.250.3.1", Created = Now,
    }, Now);

    [Fact]
    public void ServingCertificate_IsTheNodesAndChainsToTheClusterCa()
    {
        var ca = Cluster().Ca;
        using var issued = KubeletPki.LoadOrIssueServing(Paths.PkiDir, "dev-node", NodeIp, Now);
        using var loaded = KubeletPki.LoadServing(Paths.PkiDir, "dev-node");

        Assert.Equal(issued.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
        Assert.True(CaTrust.ChainsTo(ca, loaded));
        Assert.True(loaded.MatchesHostname("10.250.3.2"));
        Assert.True(loaded.MatchesHostname("dev-node"));
        Assert.False(loaded.MatchesHostname("10.250.3.1"));
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.DigitalSignature,
            loaded.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
    }

    [Fact]
    public void ServingCertificate_KeptAcrossRestarts_ReissuedWhenTheNodeIpChanges()
    {
        Cluster();
        using var first = KubeletPki.LoadOrIssueServing(Paths.PkiDir, "dev-node", NodeIp, Now);
        using var again = KubeletPki.LoadOrIssueServing(Paths.PkiDir, "dev-node", NodeIp, Now);
        using var moved = KubeletPki.LoadOrIssueServing(Paths.PkiDir, "dev-node", IPAddress.Parse("10.250.4.2"), Now);

        Assert.Equal(first.Thumbprint, again.Thumbprint);
        Assert.NotEqual(first.Thumbprint, moved.Thumbprint);
        Assert.True(moved.MatchesHostname("10.250.4.2"));
    }

    [Fact]
    public void ApiServerClient_IsTheUserKubeletsAuthorize_AndItsKeyIsPrivate()
    {
        var ca = Cluster().Ca;
        using var client = KubeletPki.LoadOrIssueApiServerClient(Paths.PkiDir, Now);

        Assert.True(CaTrust.ChainsTo(ca, client));
        Assert.Equal(Podway.Node.Streaming.KubeletServerOptions.ApiServerUser, client.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal("1.3.6.1.5.5.7.3.2", client.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Paths.PkiDir, "apiserver-kubelet-client.key")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
