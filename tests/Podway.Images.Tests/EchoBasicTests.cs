using System.Text.Json;

namespace Podway.Images.Tests;

/// <summary>echo-basic, the Gateway API conformance backend: the JSON and headers the conformance suite reads.</summary>
public class EchoBasicTests
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Request_JsonAsTheConformanceSuiteReadsIt()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("echo-basic", [], new Dictionary<string, string>
        {
            ["HTTP_PORT"] = $"{port}", ["POD_NAME"] = "infra-backend-v1-abc", ["NAMESPACE"] = "gateway-conformance-infra",
        });
        await p.WaitForTcpAsync(port);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/prefix/one?x=1");
        request.Headers.Host = "example.com";
        request.Headers.TryAddWithoutValidation("x-header-add", "a");
        request.Headers.TryAddWithoutValidation("X-Echo-Set-Header", "X-Resp: one, X-Resp: two, Other: v");

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["path", "host", "method", "proto", "headers", "namespace", "ingress", "service", "pod"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("/prefix/one?x=1", json.GetProperty("path").GetString());
        Assert.Equal("example.com", json.GetProperty("host").GetString());
        Assert.Equal("HTTP/1.1", json.GetProperty("proto").GetString());
        Assert.Equal(["a"], json.GetProperty("headers").GetProperty("X-Header-Add").EnumerateArray().Select(v => v.GetString()));
        Assert.False(json.GetProperty("headers").TryGetProperty("Host", out _));
        Assert.Equal("gateway-conformance-infra", json.GetProperty("namespace").GetString());
        Assert.Equal("infra-backend-v1-abc", json.GetProperty("pod").GetString());
        Assert.StartsWith("{\n \"path\"", body); // Go's json.MarshalIndent(v, "", " ")
        Assert.Equal("one,two", string.Join(",", response.Headers.GetValues("X-Resp")));
        Assert.Equal("v", string.Join(",", response.Headers.GetValues("Other")));

        Assert.Equal(418, (int)(await Http.GetAsync($"http://127.0.0.1:{port}/status/418")).StatusCode);
        Assert.Equal("OK", await Http.GetStringAsync($"http://127.0.0.1:{port}/health"));
        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
    }
}
