using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.Images.Tests;

public sealed class AgnhostTests
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    static string Hostname => File.ReadAllText("/proc/sys/kernel/hostname").Trim();

    static async Task<string> UdpAsync(int port, string message)
    {
        using var udp = new UdpClient();
        udp.Connect(IPAddress.Loopback, port);
        await udp.SendAsync(Encoding.UTF8.GetBytes(message));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var r = await udp.ReceiveAsync(cts.Token);
        return Encoding.UTF8.GetString(r.Buffer);
    }

    [Fact]
    public async Task Netexec_Endpoints_AnswerAsTheRealImage()
    {
        var (http, udp) = (ImageProcess.FreeTcpPort(), ImageProcess.FreeUdpPort());
        await using var p = ImageProcess.Start("agnhost", ["netexec", $"--http-port={http}", "--udp-port", $"{udp}"]);
        await p.WaitForTcpAsync(http);
        var url = $"http://127.0.0.1:{http}";

        Assert.Equal(Hostname, await Http.GetStringAsync($"{url}/hostname"));
        Assert.Equal(Hostname, await Http.GetStringAsync($"{url}/hostName"));
        Assert.Equal("hello world", await Http.GetStringAsync($"{url}/echo?msg=hello%20world"));
        Assert.StartsWith("127.0.0.1:", await Http.GetStringAsync($"{url}/clientip"));
        Assert.StartsWith("NOW: ", await Http.GetStringAsync($"{url}/"));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"{url}/healthz")).StatusCode);
        Assert.Equal("ok", await Http.GetStringAsync($"{url}/readyz"));
        var echo503 = await Http.GetAsync($"{url}/echo?msg=down&code=503");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "down"), (echo503.StatusCode, await echo503.Content.ReadAsStringAsync()));
        using (var req = new HttpRequestMessage(HttpMethod.Get, $"{url}/header?key=X-Probe")) { req.Headers.Add("X-Probe", "abc"); Assert.Equal("abc", await (await Http.SendAsync(req)).Content.ReadAsStringAsync()); }
        Assert.Equal("{\"output\":\"a\\n\"}", await Http.GetStringAsync($"{url}/shell?cmd=echo%20a"));
        Assert.Equal("{\"error\":\"exit status 3\"}", await Http.GetStringAsync($"{url}/shell?cmd=exit%203"));
        Assert.Equal($"{{\"responses\":[\"{Hostname}\"]}}", await Http.GetStringAsync($"{url}/dial?request=hostname&protocol=udp&host=127.0.0.1&port={udp}"));
        Assert.Equal("{\"responses\":[\"x\",\"x\"]}", await Http.GetStringAsync($"{url}/dial?request=echo?msg=x&protocol=http&host=127.0.0.1&port={http}&tries=2"));
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync($"{url}/dial?host=127.0.0.1&port={http}")).StatusCode);
        using (var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            var redirect = await noRedirect.GetAsync($"{url}/redirect?location=/echo%3Fmsg%3Dfoobar&code=307");
            Assert.Equal((HttpStatusCode.TemporaryRedirect, "/echo?msg=foobar"), (redirect.StatusCode, redirect.Headers.Location?.OriginalString));
        }
        Assert.Equal(Hostname, await UdpAsync(udp, "hostname\n"));
        Assert.Equal("hi there", await UdpAsync(udp, "echo hi there"));
        Assert.StartsWith("127.0.0.1:", await UdpAsync(udp, "clientip"));

        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
        Assert.Contains("GET /echo?msg=hello world&code=", p.Stderr);
    }

    [Fact]
    public async Task Netexec_Upload_StoresFileAndNamesIt()
    {
        var http = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("agnhost", ["netexec", $"--http-port={http}", "--udp-port=-1"]);
        await p.WaitForTcpAsync(http);
        using var form = new MultipartFormDataContent { { new ByteArrayContent("payload"u8.ToArray()), "file", "data.txt" } };

        var response = await Http.PostAsync($"http://127.0.0.1:{http}/upload", form);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var path = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("output").GetString()!;
        try { Assert.Equal("payload", File.ReadAllText(path)); }
        finally { File.Delete(path); }
        // Without a UDP server the real netexec never reports healthy.
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Http.GetAsync($"http://127.0.0.1:{http}/healthz")).StatusCode);
    }

    [Fact]
    public async Task Netexec_ExitEndpoint_ExitsWithRequestedCode()
    {
        var http = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("agnhost", ["netexec", $"--http-port={http}", "--udp-port=-1"]);
        await p.WaitForTcpAsync(http);

        var response = await Http.GetAsync($"http://127.0.0.1:{http}/exit?code=3&timeout=1s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, await p.ExitCodeAsync());
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET / HTTP/9.9\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")]
    public async Task Netexec_MalformedRequest_400AndKeepsServing(string raw)
    {
        var http = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("agnhost", ["netexec", $"--http-port={http}", "--udp-port=-1"]);
        await p.WaitForTcpAsync(http);

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, http);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
            var reply = await new StreamReader(stream).ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", reply);
        }

        Assert.Equal("still", await Http.GetStringAsync($"http://127.0.0.1:{http}/echo?msg=still"));
    }

    [Theory]
    [InlineData(new[] { "netexec", "--no-such-flag" }, "Error: unknown flag: --no-such-flag")]
    [InlineData(new[] { "netexec", "--http-port=abc" }, "Error: invalid argument \"abc\" for \"--http-port\" flag")]
    [InlineData(new[] { "netexec", "extra" }, "Error: accepts at most 0 arg(s), received 1")]
    [InlineData(new[] { "connect" }, "Error: accepts 1 arg(s), received 0")]
    [InlineData(new[] { "no-such-command" }, "Error: unknown command \"no-such-command\" for \"agnhost\"")]
    public async Task Agnhost_BadCommandLine_Exit1WithCobraError(string[] args, string error)
    {
        await using var p = ImageProcess.Start("agnhost", args);

        Assert.Equal(1, await p.ExitCodeAsync());
        Assert.Contains(error, p.Stderr);
    }

    [Fact]
    public async Task ServeHostname_Http_AnswersHostnameAndExits0OnSigterm()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("agnhost", ["serve-hostname", "--port", $"{port}"]);
        await p.WaitForTcpAsync(port);

        Assert.Equal(Hostname, await Http.GetStringAsync($"http://127.0.0.1:{port}/anything"));

        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
    }

    [Fact]
    public async Task ServeHostname_UdpAndTcp_AnswerHostname()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("agnhost", ["serve-hostname", "--http=false", "--udp", "--tcp", $"--port={port}"]);
        await p.WaitForOutputAsync("Serving on port");

        Assert.Equal(Hostname, await UdpAsync(port, "x"));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        Assert.Equal(Hostname, await new StreamReader(tcp.GetStream()).ReadToEndAsync());
    }

    [Fact]
    public async Task ServeHostname_HttpWithUdp_FatalLikeTheRealOne()
    {
        await using var p = ImageProcess.Start("agnhost", ["serve-hostname", "--udp"]);

        Assert.Equal(1, await p.ExitCodeAsync());
        Assert.Contains("Can't server TCP/UDP mode and HTTP mode at the same time", p.Stderr);
    }

    [Theory]
    [InlineData(false, "foo")]
    [InlineData(true, "{\"Method\":\"GET\",\"Body\":\"foo\"}")]
    public async Task Porter_ServePortVariable_ServesItsValue(bool json, string expected)
    {
        var (port, udp) = (ImageProcess.FreeTcpPort(), ImageProcess.FreeUdpPort());
        await using var p = ImageProcess.Start("agnhost", json ? ["porter", "--json-response"] : ["porter"],
            new Dictionary<string, string> { [$"SERVE_PORT_{port}"] = "foo", [$"SERVE_UDP_PORT_{udp}"] = "bar" });
        await p.WaitForTcpAsync(port);

        Assert.Equal(expected, await Http.GetStringAsync($"http://127.0.0.1:{port}/"));
        Assert.Equal("bar", await UdpAsync(udp, "x"));

        p.Signal(ImageProcess.SIGTERM);
        Assert.Equal(0, await p.ExitCodeAsync());
    }

    [Fact]
    public async Task Porter_TlsPort_ServesOverHttps()
    {
        var port = ImageProcess.FreeTcpPort();
        await using var p = ImageProcess.Start("agnhost", ["porter"], new Dictionary<string, string> { [$"SERVE_TLS_PORT_{port}"] = "secret" });
        await p.WaitForTcpAsync(port);
        using var https = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });

        Assert.Equal("secret", await https.GetStringAsync($"https://127.0.0.1:{port}/"));
    }

    [Fact]
    public async Task Connect_ListeningPort_Exit0()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var p = ImageProcess.Start("agnhost", ["connect", $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", "--timeout=5s"]);

        Assert.Equal(0, await p.ExitCodeAsync());
        Assert.Equal("", p.Stderr);
    }

    [Theory]
    [InlineData("closed", "REFUSED")]
    [InlineData("no-port", "UNKNOWN: address 127.0.0.1: missing port in address")]
    [InlineData("bad-host", "DNS: ")]
    public async Task Connect_Failure_Exit1WithPrefix(string kind, string stderr)
    {
        var dest = kind switch
        {
            "closed" => $"127.0.0.1:{ImageProcess.FreeTcpPort()}",
            "no-port" => "127.0.0.1",
            _ => "no-such-host.invalid:80",
        };
        await using var p = ImageProcess.Start("agnhost", ["connect", dest, "--timeout=5s"]);

        Assert.Equal(1, await p.ExitCodeAsync());
        Assert.StartsWith(stderr, p.Stderr);
    }

    [Theory]
    [InlineData(ImageProcess.SIGTERM, 2)]
    [InlineData(ImageProcess.SIGINT, 1)]
    public async Task AgnhostPause_Signal_ExitsWithRealCodes(int signal, int code)
    {
        await using var p = ImageProcess.Start("agnhost", ["pause"]);
        await p.WaitForOutputAsync("Paused");

        p.Signal(signal);

        Assert.Equal(code, await p.ExitCodeAsync());
    }
}
