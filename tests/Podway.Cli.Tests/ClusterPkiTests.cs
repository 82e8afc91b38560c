using System.Net;
using System.Security.Cryptography.X509Certificates;
using Podway.Cluster;
using Podway.Pki;

namespace Podway.Cli.Tests;

public sealed class ClusterPkiTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("podway-pki-").FullName;
    static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    ClusterPaths Paths => new("dev", _dir);
    static ClusterConfig Config(string advertise = "10.250.3.1") => new()
    {
        Name = "dev", ApiPort = 6443, PodCidr = "10.244.0.0/16", ServiceCidr = "10.96.0.0/12",
        NodeCidr = "10.250.3.0/24", AdvertiseAddress = advertise, Created = Now,
    };

    [Fact]
    public void LoadOrCreate_FirstRun_CaVerifiesServingCertificateChain()
    {
        var creds = ClusterPki.LoadOrCreate(Paths, Config(), Now);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(creds.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(creds.Serving), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(creds.Ca.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
        Assert.True(creds.Serving.HasPrivateKey);
        Assert.True(creds.Ca.NotAfter > Now.AddYears(9).UtcDateTime, "CA must last 10 years");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    [InlineData("kubernetes")]
    [InlineData("kubernetes.default")]
    [InlineData("kubernetes.default.svc")]
    [InlineData("kubernetes.default.svc.cluster.local")]
    [InlineData("10.96.0.1")]
    [InlineData("10.250.3.1")]
    public void LoadOrCreate_ServingCertificate_MatchesEveryApiName(string host)
    {
        var creds = ClusterPki.LoadOrCreate(Paths, Config(), Now);
        Assert.True(creds.Serving.MatchesHostname(host), host);
    }

    [Fact]
    public void LoadOrCreate_ServingCertificate_DoesNotMatchOtherNames()
    {
        var creds = ClusterPki.LoadOrCreate(Paths, Config(), Now);
        Assert.False(creds.Serving.MatchesHostname("10.250.4.1"));
        Assert.False(creds.Serving.MatchesHostname("example.com"));
    }

    [Fact]
    public void LoadOrCreate_SecondRun_ReusesCaCertificateAndToken()
    {
        var first = ClusterPki.LoadOrCreate(Paths, Config(), Now);
        var second = ClusterPki.LoadOrCreate(Paths, Config(), Now);
        Assert.Equal(first.Ca.Thumbprint, second.Ca.Thumbprint);
        Assert.Equal(first.Serving.Thumbprint, second.Serving.Thumbprint);
        Assert.Equal(first.AdminToken, second.AdminToken);
    }

    [Fact]
    public void LoadOrCreate_AdvertiseAddressChanged_ReissuesServingUnderSameCa()
    {
        var first = ClusterPki.LoadOrCreate(Paths, Config(), Now);
        var second = ClusterPki.LoadOrCreate(Paths, Config("10.250.9.1"), Now);
        Assert.Equal(first.Ca.Thumbprint, second.Ca.Thumbprint);
        Assert.True(second.Serving.MatchesHostname("10.250.9.1"));
    }

    [Fact]
    public void LoadOrCreate_AdminToken_Is32RandomBytesHexWithMode0600()
    {
        var creds = ClusterPki.LoadOrCreate(Paths, Config(), Now);
        Assert.Matches("^[0-9a-f]{64}$", creds.AdminToken);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Paths.AdminToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Paths.CaKey));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Paths.ServingKey));
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
