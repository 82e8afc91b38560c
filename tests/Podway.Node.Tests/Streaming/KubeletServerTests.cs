using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Node.Streaming;
using Podway.TestSupport;

namespace Podway.Node.Tests.Streaming;

/// <summary>The kubelet's exec endpoint spoken to directly with a WebSocket client, frame by frame.</summary>
public sealed class KubeletServerTests : IAsyncLifetime
{
    readonly ShellStreams _streams = new();
    readonly KubeletTestPki _pki = new();
    KubeletServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await KubeletServer.StartAsync(new KubeletServerOptions
        {
            Address = IPAddress.Loopback, Port = 0, ServingCertificate = _pki.KubeletServing, ClientCertificateAuthority = _pki.Ca,
        }, _streams);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task Request_WithoutAClientCertificate_Unauthorized()
    {
        using var http = _pki.HttpClient(null);
        var response = await http.GetAsync($"https://127.0.0.1:{_server.Port}/containerLogs/default/p/c");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_FromAnotherUserOfTheCluster_ForbiddenWithTheKubeletsAttributes()
    {
        using var http = _pki.HttpClient(_pki.Stranger);
        var logs = await http.GetAsync($"https://127.0.0.1:{_server.Port}/containerLogs/default/p/c");
        Assert.Equal(HttpStatusCode.Forbidden, logs.StatusCode);
        Assert.Equal("Forbidden (user=system:node:intruder, verb=get, resource=nodes, subresource=proxy)\n", await logs.Content.ReadAsStringAsync());
        var metrics = await http.GetAsync($"https://127.0.0.1:{_server.Port}/metrics/resource");
        Assert.Contains("subresource=metrics)", await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Request_WithACertificateFromAnotherCa_RefusedInTheHandshake()
    {
        using var http = _pki.HttpClient(_pki.ForeignApiServerClient);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"https://127.0.0.1:{_server.Port}/containerLogs/default/p/c"));
    }

    [Fact]
    public async Task PlainHttp_GetsNoAnswer()
    {
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{_server.Port}/containerLogs/default/p/c"));
    }

    [Fact]
    public async Task TheApiServer_ReachesTheKubelet()
    {
        using var http = _pki.HttpClient(_pki.ApiServerClient);
        var response = await http.GetAsync($"https://127.0.0.1:{_server.Port}/containerLogs/default/p/c");
        // Authorized: the kubelet's own answer for a container without logs.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is waiting to start", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("v5.channel.k8s.io")]
    [InlineData("v4.channel.k8s.io")]
    public async Task ExecWebSocket_Channels_StdoutStderrResizeAndExitStatus(string protocol)
    {
        using var socket = new ClientWebSocket();
        socket.Options.ClientCertificates = [_pki.ApiServerClient];
        socket.Options.RemoteCertificateValidationCallback = (_, cert, _, errors) => Podway.Api.Tls.CaTrust.ServerTrusted(_pki.Ca, cert, errors);
        socket.Options.AddSubProtocol(protocol);
        var command = "command=sh&command=-c&command=" + Uri.EscapeDataString("echo out; echo err >&2; exit 7");
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{_server.Port}/exec/default/p/c?{command}&stdout=1&stderr=1&stdin=1"), CancellationToken.None);
        Assert.Equal(protocol, socket.SubProtocol);
        await socket.SendAsync("\u0004{\"Width\":120,\"Height\":40}"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);

        var channels = new Dictionary<byte, string>();
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            if (result.MessageType == WebSocketMessageType.Close) break;
            channels[buffer[0]] = channels.GetValueOrDefault(buffer[0], "") + Encoding.UTF8.GetString(buffer, 1, result.Count - 1);
        }
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("out\n", channels[1]);
        Assert.Equal("err\n", channels[2]);
        var status = JsonNode.Parse(channels[3])!;
        Assert.Equal("NonZeroExitCode", status["reason"]!.GetValue<string>());
        Assert.Equal("7", status["details"]!["causes"]![0]!["message"]!.GetValue<string>());
        for (var i = 0; i < 100 && _streams.LastResize == null; i++) await Task.Delay(20);
        Assert.Equal((120, 40), _streams.LastResize);
    }

    [Fact]
    public async Task ExecSpdy_ProtocolNotOffered_Forbidden()
    {
        using var http = _pki.HttpClient(_pki.ApiServerClient);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://127.0.0.1:{_server.Port}/exec/default/p/c?command=true&stdout=1");
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "SPDY/3.1");
        request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", "channel.k8s.io");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("unable to negotiate protocol", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every container is a host shell; exec runs the command as a process.</summary>
    sealed class ShellStreams : IContainerStreams
    {
        public (int, int)? LastResize;

        public Task<IProcessSession> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> command, bool tty, CancellationToken ct)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
            return Task.FromResult<IProcessSession>(new Session(Process.Start(start)!, this));
        }

        public Task<IProcessSession> AttachAsync(string ns, string pod, string? container, bool tty, CancellationToken ct) => throw new StreamingException(500, "no attach here");
        public string? LogPath(string ns, string pod, string? container, bool previous) => null;
        public bool IsRunning(string ns, string pod, string? container) => true;
        public IPAddress? PodIp(string ns, string pod) => IPAddress.Loopback;

        sealed class Session(Process process, ShellStreams owner) : IProcessSession
        {
            public Stream? Stdin => process.StandardInput.BaseStream;
            public Stream Stdout => process.StandardOutput.BaseStream;
            public Stream? Stderr => process.StandardError.BaseStream;
            public void Resize(int width, int height) => owner.LastResize = (width, height);
            public Task<int> Exited => process.WaitForExitAsync().ContinueWith(_ => process.ExitCode, TaskScheduler.Default);
            public ValueTask DisposeAsync() { process.Dispose(); return ValueTask.CompletedTask; }
        }
    }
}
