using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client.Addons;
using Podway.Edge.Addon;
using Podway.Edge.Routing;

namespace Podway.Edge.Tests.Addon;

/// <summary>The add-on's objects as the real API server stores them, and a second start (new token) on top of the first.</summary>
public sealed class EdgeAddonTests(RealApiServer api) : IClassFixture<RealApiServer>
{
    [Fact]
    public async Task EnsureAsync_TwiceWithNewToken_CreatesEverythingThenRefreshesTheToken()
    {
        await EdgeAddon.EnsureAsync(api.Client, "https://10.250.9.1:6443", "first", default);
        await EdgeAddon.EnsureAsync(api.Client, "https://10.250.9.1:6443", "second", default);

        var secret = await api.Client.GetAsync(BuiltinResources.Secret, EdgeAddon.Namespace, EdgeAddon.SecretName);
        Assert.Equal("second", Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["token"]!.GetValue<string>())));

        var svc = await api.Client.GetAsync(BuiltinResources.Service, EdgeAddon.Namespace, EdgeAddon.ServiceName);
        Assert.Equal("LoadBalancer", svc["spec"]!["type"]!.GetValue<string>());
        Assert.Equal("80,443", string.Join(",", svc["spec"]!["ports"]!.AsArray().Select(p => p!["port"]!.GetValue<int>())));

        var deploy = await api.Client.GetAsync(BuiltinResources.Deployment, EdgeAddon.Namespace, EdgeAddon.DeploymentName);
        Assert.Equal(2, deploy["spec"]!["replicas"]!.GetValue<int>());
        var container = deploy["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(EdgeAddon.Image, container["image"]!.GetValue<string>());
        Assert.Equal(EdgeAddon.HealthPort, container["readinessProbe"]!["httpGet"]!["port"]!.GetValue<int>());
        Assert.Equal("https://10.250.9.1:6443", container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == AddonApiAccess.ApiServerVariable)!["value"]!.GetValue<string>());

        var nginx = await api.Client.GetAsync(BuiltinResources.IngressClass, null, EdgeAddon.NginxClass);
        Assert.Equal(IngressClassResolver.NginxController, nginx["spec"]!["controller"]!.GetValue<string>());
        Assert.True(IngressClassResolver.IsDefault(nginx));
        var podway = await api.Client.GetAsync(BuiltinResources.IngressClass, null, EdgeAddon.PodwayClass);
        Assert.Equal(IngressClassResolver.PodwayController, podway["spec"]!["controller"]!.GetValue<string>());
        Assert.False(IngressClassResolver.IsDefault(podway));
    }
}
