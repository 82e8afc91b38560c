using System.Text.Json.Nodes;

namespace Podway.ApiServer.Tests.Proxy;

/// <summary>kubectl logs through the API server to the kubelet's CRI log reader.</summary>
public sealed class KubectlLogsTests(StreamingCluster cluster) : IClassFixture<StreamingCluster>
{
    static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A CRI log line as containerd writes it: RFC3339Nano timestamp, stream, P(artial)/F(ull) tag, text.</summary>
    static string Cri(int second, string stream, bool partial, string text) =>
        $"{T0.AddSeconds(second).UtcDateTime:yyyy-MM-ddTHH:mm:ss}.000000000Z {stream} {(partial ? 'P' : 'F')} {text}\n";

    public sealed record LogCase(string Name, string[] Flags, string Expected);

    public static TheoryData<LogCase> Cases => new()
    {
        new LogCase("plain", [], "one\ntwo joined\nthree\n"),
        new LogCase("tail", ["--tail=2"], "two joined\nthree\n"),
        new LogCase("timestamps", ["--timestamps", "--tail=1"], "2025-03-01T12:00:03.000000000Z three\n"),
        new LogCase("limit", ["--limit-bytes=6"], "one\ntw"),
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Logs_Flags_ShowTheExpectedLines(LogCase c)
    {
        var pod = $"logs-{c.Name}";
        var container = (await cluster.RunPodAsync(pod, "main"))[0];
        await File.WriteAllTextAsync(container.CurrentLog,
            Cri(1, "stdout", false, "one") + Cri(2, "stderr", true, "two ") + Cri(2, "stderr", false, "joined") + Cri(3, "stdout", false, "three"));
        var result = await cluster.KubectlAsync("1.33", ["logs", pod, .. c.Flags]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(c.Expected, result.Stdout);
    }

    [Fact]
    public async Task LogsFollow_LinesAppended_StreamUntilContainerStops()
    {
        var container = (await cluster.RunPodAsync("logs-follow", "main"))[0];
        await File.WriteAllTextAsync(container.CurrentLog, Cri(1, "stdout", false, "first"));
        using var kubectl = cluster.StartKubectl("1.33", ["logs", "-f", "logs-follow"]);
        Assert.Equal("first", await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        await File.AppendAllTextAsync(container.CurrentLog, Cri(2, "stdout", false, "second"));
        Assert.Equal("second", await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        container.Running = false;
        await kubectl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, kubectl.ExitCode);
    }

    [Fact]
    public async Task LogsPrevious_NoPreviousRun_KubeError()
    {
        await cluster.RunPodAsync("logs-noprev", "main");
        var result = await cluster.KubectlAsync("1.33", ["logs", "--previous", "logs-noprev"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (BadRequest): previous terminated container \"main\" in pod \"logs-noprev\" not found", result.Stderr);
    }

    [Fact]
    public async Task LogsPrevious_AfterARestart_ShowsThePreviousRun()
    {
        var container = (await cluster.RunPodAsync("logs-prev", "main"))[0];
        container.HasPrevious = true;
        await File.WriteAllTextAsync(container.PreviousLog, Cri(1, "stdout", false, "before the crash"));
        await File.WriteAllTextAsync(container.CurrentLog, Cri(5, "stdout", false, "after"));
        var running = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = "2025-03-01T12:00:05Z" } };
        var lastState = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error" } };
        await cluster.SetStatusAsync("logs-prev", "Running", [("main", running, lastState)]);
        var result = await cluster.KubectlAsync("1.33", ["logs", "-p", "logs-prev"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("before the crash\n", result.Stdout);
    }

    [Fact]
    public async Task Logs_ContainerStillCreating_KubeWaitingMessage()
    {
        await cluster.RunPodAsync("logs-pending", "main");
        await cluster.SetStatusAsync("logs-pending", "Pending", ("main", new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } }));
        var result = await cluster.KubectlAsync("1.33", ["logs", "logs-pending"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("container \"main\" in pod \"logs-pending\" is waiting to start: ContainerCreating", result.Stderr);
    }

    [Fact]
    public async Task Logs_MissingPod_NotFound()
    {
        var result = await cluster.KubectlAsync("1.33", ["logs", "no-such-pod"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pods \"no-such-pod\" not found", result.Stderr);
    }
}
