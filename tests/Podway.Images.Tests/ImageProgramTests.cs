using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Podway.Images.Tests;

public sealed class ImageProgramTests
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData("podway-echo")]
    [InlineData("ealen-echo-server")]
    [InlineData("jmalloc-echo-server")]
    [InlineData("mendhak-http-https-echo")]
    public async Task EchoServer_Request_JsonDescribesRequestAndPod(string program)
    {
        var port = ImageProcess.FreeTcpPort();
        var env = new Dictionary<string, string>
        {
            ["PORT"] = $"{port}", ["HTTP_PORT"] = $"{port}", ["HTTPS_PORT"] = $"{ImageProcess.FreeTcpPort()}",
            ["POD_NAME"] = "web-0", ["POD_NAMESPACE"] = "shop", ["POD_IP"] = "10.244.0.7",
        };
        await using var p = ImageProcess.Start(program, [], env);
        await p.WaitForTcpAsync(port);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/orders/1?expand=items&a=1&a=2")
        {
            Content = new StringContent("{\"qty\":2}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Trace", "t-1");

        var response = await Http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var req = json.GetProperty("request");
        Assert.Equal("POST", req.GetProperty("method").GetString());
        Assert.Equal("/orders/1", req.GetProperty("path").GetString());
        Assert.Equal("items", req.GetProperty("query").GetProperty("expand").GetString());
        Assert.Equal(["1", "2"], req.GetProperty("query").GetProperty("a").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("t-1", req.GetProperty("headers").GetProperty("x-trace").GetString());
        Assert.Equal("{\"qty\":2}", req.GetProperty("body").GetString());
        Assert.Equal("127.0.0.1", req.GetProperty("clientAddress").GetString());
        var pod = json.GetProperty("pod");
        Assert.Equal(("web-0", "shop", "10.244.0.7"), (pod.GetProperty("name").GetString(), pod.GetProperty("namespace").GetString(), pod.GetProperty("ip").GetString()));

        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
    }

    [Fact]
    public async Task EchoServer_NoDownwardApi_UsesHostnameAndFirstAddress()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("podway-echo", [], new Dictionary<string, string> { ["PORT"] = $"{port}" });
        await p.WaitForTcpAsync(port);

        var pod = JsonDocument.Parse(await Http.GetStringAsync($"http://127.0.0.1:{port}/")).RootElement.GetProperty("pod");

        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim(), pod.GetProperty("name").GetString());
        var ip = pod.GetProperty("ip").GetString();
        Assert.True(ip is null || (IPAddress.TryParse(ip, out var a) && !IPAddress.IsLoopback(a)), $"pod ip {ip}");
    }

    [Fact]
    public async Task MendhakEcho_HttpsPort_AnswersOverTls()
    {
        var (http, https) = (ImageProcess.FreeTcpPort(), ImageProcess.FreeTcpPort());
        await using var p = ImageProcess.Start("mendhak-http-https-echo", [], new Dictionary<string, string> { ["HTTP_PORT"] = $"{http}", ["HTTPS_PORT"] = $"{https}" });
        await p.WaitForTcpAsync(https);
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });

        var json = JsonDocument.Parse(await client.GetStringAsync($"https://127.0.0.1:{https}/secure")).RootElement;

        Assert.Equal(("https", "/secure"), (json.GetProperty("request").GetProperty("protocol").GetString(), json.GetProperty("request").GetProperty("path").GetString()));
    }

    [Fact]
    public async Task HttpEcho_TextAndListen_AnswersText()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("http-echo", [$"-listen=127.0.0.1:{port}", "-text", "hello world"]);
        await p.WaitForTcpAsync(port);

        var response = await Http.GetAsync($"http://127.0.0.1:{port}/any/path");

        Assert.Equal("hello world\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("http-echo", response.Headers.GetValues("X-App-Name").Single());
        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
    }

    [Fact]
    public async Task HttpEcho_NoText_Exit127()
    {
        await using var p = ImageProcess.Start("http-echo", []);

        Assert.Equal(127, await p.ExitCodeAsync());
        Assert.Contains("Missing -text option!", p.Stderr);
    }

    [Fact]
    public async Task UnknownProgram_Exit2NamingPrograms()
    {
        await using var p = ImageProcess.Start("no-such-program", []);

        Assert.Equal(2, await p.ExitCodeAsync());
        Assert.Contains("no built-in program \"no-such-program\"", p.Stderr);
    }
}
