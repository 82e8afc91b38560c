using System.Net;
using Podway.Node.Sandbox;

namespace Podway.Node.Tests.Sandbox;

public sealed class PodEtcFilesTests
{
    const string Header = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
                          "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

    [Theory]
    [InlineData(null, Header + "10.244.0.7\tweb\n")]
    [InlineData("", Header + "10.244.0.7\tweb\n")]
    [InlineData("nginx", Header + "10.244.0.7\tweb.nginx.shop.svc.cluster.local\tweb\n")]
    public void Hosts_Subdomain_AddsTheFqdnOnlyWhenSet(string? subdomain, string expected) =>
        Assert.Equal(expected, PodEtcFiles.Hosts(IPAddress.Parse("10.244.0.7"), "web", subdomain, "shop", "cluster.local", []));

    [Fact]
    public void Hosts_HostAliases_AppendsOneLinePerHostnameAfterTheirHeader()
    {
        var hosts = PodEtcFiles.Hosts(IPAddress.Parse("10.244.0.7"), "web", null, "shop", "cluster.local",
            [("127.0.0.1", ["foo.local", "bar.local"]), ("10.1.2.3", ["foo.remote"])]);

        Assert.EndsWith("10.244.0.7\tweb\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\n127.0.0.1\tbar.local\n10.1.2.3\tfoo.remote\n", hosts);
    }
}
