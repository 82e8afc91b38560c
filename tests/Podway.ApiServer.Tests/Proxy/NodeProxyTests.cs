namespace Podway.ApiServer.Tests.Proxy;

/// <summary>nodes/NAME/proxy/PATH passes the request on to the node's kubelet, as kube-apiserver's node proxy does.</summary>
public sealed class NodeProxyTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>
{
    [Fact]
    public async Task GetRaw_KubeletPath_AnswerRelayedAsIs()
    {
        var container = (await cluster.RunPodAsync("proxied", "main"))[0];
        await File.WriteAllTextAsync(container.CurrentLog, "2025-03-01T12:00:00.000000000Z stdout F through the node proxy\n");
        var result = await cluster.KubectlAsync("1.33", ["get", "--raw", $"/api/v1/nodes/{StreamingCluster.NodeName}/proxy/containerLogs/default/proxied/main"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("through the node proxy\n", result.Stdout);
    }

    [Fact]
    public async Task Get_KubeletAnswers404_StatusAndTextRelayed()
    {
        using var response = await cluster.Http.GetAsync($"/api/v1/nodes/{StreamingCluster.NodeName}/proxy/no/such/path");
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/nodes/nope/proxy/flows", "nodes \"nope\" not found")]
    [InlineData("/api/v1/nodes/node-1:http/proxy/flows", "invalid port in node-1:http")]
    public async Task GetRaw_BadNode_ClearError(string path, string message)
    {
        var result = await cluster.KubectlAsync("1.33", ["get", "--raw", path]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Stderr);
    }
}
