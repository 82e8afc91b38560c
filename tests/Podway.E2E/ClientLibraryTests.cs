using System.Text;
using k8s;
using k8s.Models;

namespace Podway.E2E;

/// <summary>
/// The official C# client (the KubernetesClient NuGet package) against podway, beside kubectl: its watch, followed
/// logs, exec with stdin and WebSocket port-forward (v4.channel.k8s.io), each a way client libraries differ from kubectl.
/// </summary>
[Collection("cluster")]
public sealed class ClientLibraryTests(ClusterFixture cluster)
{
    Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.Kubeconfig));

    [Fact]
    public async Task Watch_SeesAPodCreatedAfterItStarted()
    {
        var ns = await cluster.NewNamespaceAsync("cswatch");
        using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var seen = new TaskCompletionSource<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, cancellationToken: cts.Token))
                if (type == WatchEventType.Added) { seen.TrySetResult(pod.Metadata.Name); return; }
        });
        await Task.Delay(500);
        Assert.Equal(0, (await cluster.KubectlAsync("run", "watched", "-n", ns, "--image=busybox", "--", "sleep", "3600")).ExitCode);
        Assert.Equal("watched", await seen.Task.WaitAsync(cts.Token));
        await cts.CancelAsync();
        await Task.WhenAny(watching, Task.Delay(TimeSpan.FromSeconds(5))); // the watch ends with the cancellation
    }

    [Fact]
    public async Task FollowLogs_StreamsLinesAsTheContainerWritesThem()
    {
        var ns = await cluster.NewNamespaceAsync("cslogs");
        await cluster.RunReadyPodAsync(ns, "ticker", "--image=busybox", "--", "sh", "-c", "i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done");
        using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync("ticker", ns, follow: true, cancellationToken: cts.Token);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (lines.Count < 5 && await reader.ReadLineAsync(cts.Token) is { } line) lines.Add(line);
        Assert.Equal(5, lines.Count);
        Assert.All(lines, l => Assert.StartsWith("tick ", l));
    }

    [Fact]
    public async Task Exec_WithStdin_ReturnsTheCommandsOutput()
    {
        var ns = await cluster.NewNamespaceAsync("csexec");
        await cluster.RunReadyPodAsync(ns, "box", "--image=busybox", "--", "sleep", "3600");
        using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = "";
        // The command ends after one line: the client speaks v4, which cannot close stdin on its own.
        var code = await client.NamespacedPodExecAsync("box", ns, "box", ["sh", "-c", "head -n 1 | tr a-z A-Z"], false, async (stdin, stdout, stderr) =>
        {
            await stdin.WriteAsync(Encoding.UTF8.GetBytes("hello from stdin\n"), cts.Token);
            using var reader = new StreamReader(stdout);
            output = await reader.ReadToEndAsync(cts.Token);
        }, cts.Token);
        Assert.Equal(0, code);
        Assert.Equal("HELLO FROM STDIN\n", output);
    }

    [Fact]
    public async Task PortForward_OverWebSocketChannels_ReachesTheContainerPort()
    {
        var ns = await cluster.NewNamespaceAsync("cspf");
        await cluster.RunReadyPodAsync(ns, "web", "--image=nginx");
        using var client = Client();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync("web", ns, [80], "v4.channel.k8s.io", cancellationToken: cts.Token);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        using var stream = demuxer.GetStream((byte?)0, (byte?)0);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\nHost: web\r\n\r\n"), cts.Token);
        var response = new StringBuilder();
        var buffer = new byte[8192];
        while (!response.ToString().Contains("</html>") && await stream.ReadAsync(buffer, cts.Token) is > 0 and var n)
            response.Append(Encoding.ASCII.GetString(buffer, 0, n));
        Assert.StartsWith("HTTP/1.1 200 OK", response.ToString());
        Assert.Contains("Welcome to nginx!", response.ToString());
    }
}
