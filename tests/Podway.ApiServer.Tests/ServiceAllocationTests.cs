using System.Net;

namespace Podway.ApiServer.Tests;

public sealed class ServiceAllocationTests : IAsyncLifetime
{
    TestApiServer _server = null!;
    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    static string Service(string name, string extraSpec = "") =>
        $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}"},"spec":{"selector":{"app":"x"},"ports":[{"port":80}]{{{extraSpec}}}}}""";

    [Fact]
    public async Task Create_WithoutClusterIP_GetsOneInsideServiceCidr()
    {
        var (code, body) = await _server.PostAsync("/api/v1/namespaces/default/services", Service("auto"));
        Assert.Equal(201, code);
        var ip = IPAddress.Parse(body!["spec"]!["clusterIP"]!.GetValue<string>());
        var bytes = ip.GetAddressBytes();
        Assert.Equal(10, bytes[0]);
        Assert.InRange(bytes[1], 96, 111);
        Assert.Equal(ip.ToString(), body["spec"]!["clusterIPs"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_RequestedClusterIPTaken_IsRefusedWithKubernetesMessage()
    {
        Assert.Equal(201, (await _server.PostAsync("/api/v1/namespaces/default/services", Service("first", ""","clusterIP":"10.96.5.5" """))).Code);
        var (code, body) = await _server.PostAsync("/api/v1/namespaces/default/services", Service("second", ""","clusterIP":"10.96.5.5" """));
        Assert.Equal(422, code);
        Assert.Equal("Service \"second\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.5.5\"}: failed to allocate IP 10.96.5.5: provided IP is already allocated",
            body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ClusterIPOutsideRange_IsRefused()
    {
        var (code, body) = await _server.PostAsync("/api/v1/namespaces/default/services", Service("outside", ""","clusterIP":"192.168.1.1" """));
        Assert.Equal(422, code);
        Assert.Contains("the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NodePort30007Twice_SecondIsAlreadyAllocated()
    {
        var first = $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"np1"},"spec":{"type":"NodePort","selector":{"app":"x"},"ports":[{"port":80,"nodePort":30007}]}}""";
        var second = first.Replace("np1", "np2");
        Assert.Equal(201, (await _server.PostAsync("/api/v1/namespaces/default/services", first)).Code);
        var (code, body) = await _server.PostAsync("/api/v1/namespaces/default/services", second);
        Assert.Equal(422, code);
        Assert.Contains("spec.ports[0].nodePort: Invalid value: 30007: provided port is already allocated", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_Service_FreesItsClusterIPForReuse()
    {
        var svc = Service("reuse", ""","clusterIP":"10.96.7.7" """);
        Assert.Equal(201, (await _server.PostAsync("/api/v1/namespaces/default/services", svc)).Code);
        Assert.Equal(200, (await _server.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/services/reuse")).Code);
        Assert.Equal(201, (await _server.PostAsync("/api/v1/namespaces/default/services", svc)).Code);
    }

    [Fact]
    public async Task KubernetesService_IsAtFirstIP()
    {
        var (code, body) = await _server.GetAsync("/api/v1/namespaces/default/services/kubernetes");
        Assert.Equal(200, code);
        Assert.Equal("10.96.0.1", body!["spec"]!["clusterIP"]!.GetValue<string>());
    }
}
