using Podway.Api.Resources;
using Podway.Dns.Addon;

namespace Podway.Dns.Tests;

public sealed class DnsAddonTests : IClassFixture<RealApiServer>
{
    readonly RealApiServer _api;
    public DnsAddonTests(RealApiServer api) => _api = api;

    [Fact]
    public async Task EnsureAsync_TwiceWithNewToken_KubeDnsServiceDeploymentAndSecretAccepted()
    {
        var nodeResolver = System.Net.IPAddress.Parse("10.250.9.1");
        await DnsAddon.EnsureAsync(_api.Client, "https://10.250.9.1:6443", "first", nodeResolver, default);
        await DnsAddon.EnsureAsync(_api.Client, "https://10.250.9.1:6443", "second", nodeResolver, default);

        var service = await _api.Client.GetAsync(BuiltinResources.Service, "kube-system", "kube-dns");
        Assert.Equal("10.96.0.10", (string?)service["spec"]!["clusterIP"]);
        Assert.Equal(["dns:53/UDP", "dns-tcp:53/TCP", "metrics:9153/TCP"],
            service["spec"]!["ports"]!.AsArray().Select(p => $"{p!["name"]}:{p["port"]}/{p["protocol"]}"));
        Assert.Equal("kube-dns", (string?)service["spec"]!["selector"]!["k8s-app"]);

        var deployment = await _api.Client.GetAsync(BuiltinResources.Deployment, "kube-system", "podway-dns");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.Equal("Default", (string?)pod["dnsPolicy"]);
        Assert.Equal("podway/dns", (string?)pod["containers"]![0]!["image"]);
        Assert.Equal(8181, (int?)pod["containers"]![0]!["readinessProbe"]!["httpGet"]!["port"]);
        // Outside names go to the node resolver (the host relay), waited for a little longer than its own budget.
        Assert.Equal(["--upstream", "10.250.9.1", "--forward-budget", "3.5"],
            pod["containers"]![0]!["args"]!.AsArray().Select(a => (string?)a));

        var secret = await _api.Client.GetAsync(BuiltinResources.Secret, "kube-system", "podway-dns");
        Assert.Equal("second", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["token"]!)));
    }
}
