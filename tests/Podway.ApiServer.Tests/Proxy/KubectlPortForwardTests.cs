using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Podway.ApiServer.Tests.Proxy;

/// <summary>kubectl port-forward through the API server and the kubelet to a loopback echo server (the "Pod").</summary>
public sealed class KubectlPortForwardTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>
{
    public static TheoryData<string, bool> Transports => new()
    {
        { "1.33", false }, // SPDY tunnelled in WebSocket
        { "1.33", true },  // SPDY upgrade forced
        { "1.27", false }, // SPDY upgrade
    };

    [Theory, MemberData(nameof(Transports))]
    public async Task PortForward_TwoConnections_EchoThroughThePod(string version, bool forceSpdy)
    {
        var pod = $"pf-{version.Replace(".", "")}-{forceSpdy}".ToLowerInvariant();
        await cluster.RunPodAsync(pod, "main");
        using var echo = new EchoServer();
        var local = StreamingCluster.FreePort();
        using var kubectl = cluster.StartKubectl(version, ["port-forward", $"pod/{pod}", $"{local}:{echo.Port}"],
            forceSpdy ? new Dictionary<string, string> { ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = "false" } : null);
        try
        {
            var ready = await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.StartsWith($"Forwarding from 127.0.0.1:{local} -> {echo.Port}", ready);
            for (var i = 0; i < 2; i++)
                Assert.Equal($"ping {i}\n", await RoundTripAsync(local, $"ping {i}\n"));
        }
        finally
        {
            kubectl.Kill(entireProcessTree: true);
            await kubectl.WaitForExitAsync();
        }
        var stderr = await kubectl.StandardError.ReadToEndAsync();
        Assert.DoesNotContain("error", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PortForward_NothingListening_KubectlReportsTheKubeletError()
    {
        await cluster.RunPodAsync("pf-refused", "main");
        var closedPort = StreamingCluster.FreePort();
        var local = StreamingCluster.FreePort();
        using var kubectl = cluster.StartKubectl("1.33", ["port-forward", "pod/pf-refused", $"{local}:{closedPort}"]);
        try
        {
            await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, local);
            // kubectl closes the local connection when the kubelet reports the failure.
            var read = await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, read);
            await kubectl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            if (!kubectl.HasExited) kubectl.Kill(entireProcessTree: true);
        }
        var stderr = await kubectl.StandardError.ReadToEndAsync();
        Assert.Contains($"error forwarding port {closedPort} to pod pf-refused_default", stderr);
        Assert.Contains("connection refused", stderr);
    }

    static async Task<string> RoundTripAsync(int port, string text)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        var buffer = new byte[text.Length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>The "Pod": a loopback TCP server echoing every connection.</summary>
    sealed class EchoServer : IDisposable
    {
        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly CancellationTokenSource _stop = new();

        public EchoServer()
        {
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        async Task AcceptLoopAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(async () =>
                    {
                        using (client)
                            try { await client.GetStream().CopyToAsync(client.GetStream(), _stop.Token); }
                            catch (Exception e) when (e is IOException or OperationCanceledException) { }
                    });
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
