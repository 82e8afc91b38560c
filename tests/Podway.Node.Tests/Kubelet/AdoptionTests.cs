using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Node.Tests.Kubelet;

[Collection(ApiServerCollection.Name)]
public sealed class AdoptionTests(RealApiServer api)
{
    [Fact]
    public async Task RunAsync_AfterAgentRestart_AdoptsRunningPodAndRemovesDeletedOne()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("keep", """[{"name":"c","image":"busybox","command":["sh","-c","echo before; while true; do sleep 0.2; done"]}]""");
        await h.CreatePodAsync("gone", """[{"name":"c","image":"busybox","command":["sh","-c","while true; do sleep 0.2; done"]}]""");
        var keep = await h.WaitPodAsync("keep", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "keep Ready");
        var gone = await h.WaitPodAsync("gone", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "gone Ready");
        // The container's pid on the host, as the OCI runtime recorded it (inside, it is pid 1 of its own namespace).
        var keepPid = Path.Combine(h.Node.StateDir, "pods", ObjectMeta.Uid(keep), "c", "0.pid");
        var gonePid = Path.Combine(h.Node.StateDir, "pods", ObjectMeta.Uid(gone), "c", "0.pid");
        var containerId = AgentHarness.ContainerStatus(keep)["containerID"]!.GetValue<string>();

        // crun writes the pid file once the container exists, which may be just after the agent reports it started.
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(keepPid) && File.Exists(gonePid)), "pid files", 10);
        await h.StopAsync();
        await h.Client.DeleteAsync(BuiltinResources.Pod, h.Namespace, "gone", new DeleteOptions { GracePeriodSeconds = 0 });
        var pid = int.Parse(File.ReadAllText(keepPid).Trim());
        var goneProcess = int.Parse(File.ReadAllText(gonePid).Trim());
        Assert.True(Directory.Exists($"/proc/{pid}"), "the container outlives the agent");

        await h.StartAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!Directory.Exists($"/proc/{goneProcess}")), "deleted pod's process killed", 10);
        await Eventually.TrueAsync(() => Task.FromResult(!h.Sandboxes.Exists(ObjectMeta.Uid(gone))), "deleted pod's sandbox removed", 10);
        Assert.False(Directory.Exists(Path.Combine(h.Node.StateDir, "pods", ObjectMeta.Uid(gone))));

        await Task.Delay(1500); // a few syncs of the new agent
        keep = (await h.GetPodAsync("keep"))!;
        var cs = AgentHarness.ContainerStatus(keep);
        Assert.Equal(0, cs["restartCount"]!.GetValue<int>());
        Assert.Equal(containerId, cs["containerID"]!.GetValue<string>());
        Assert.NotNull(cs["state"]!["running"]);
        Assert.True(Directory.Exists($"/proc/{pid}"), "the adopted container was not restarted");
        Assert.Equal("True", AgentHarness.ConditionStatus(keep, "Ready"));

        // The adopted container is still managed: deleting its pod stops it.
        await h.Client.DeleteAsync(BuiltinResources.Pod, h.Namespace, "keep");
        await Eventually.TrueAsync(async () => await h.GetPodAsync("keep") is null, "adopted pod deleted", 10);
        await Eventually.TrueAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), "adopted container stopped", 5);
    }

    [Fact]
    public async Task RunAsync_AfterAgentRestart_FinishedPodKeepsItsTerminatedStatusAndLogs()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var pod = await h.CreatePodAsync("done", """[{"name":"c","image":"busybox","command":["sh","-c","echo finished work; exit 3"]}]""", "Never");
        await h.WaitPodAsync("done", p => p["status"]?["phase"]?.GetValue<string>() == "Failed", "Failed");
        await Eventually.TrueAsync(() => Task.FromResult(h.Sandboxes.Removed.Contains(ObjectMeta.Uid(pod))), "sandbox released");

        await h.StopAsync();
        await h.StartAsync();
        bool Served()
        {
            try { return h.Agent!.Streams.LogPath(h.Namespace, "done", "c", false) is not null; }
            catch (Podway.Node.Streaming.StreamingException) { return false; } // the new agent has no worker for it yet
        }
        await Eventually.TrueAsync(() => Task.FromResult(Served()), "the new agent serves the log");
        await Task.Delay(1500); // a few syncs of the new agent
        var cs = AgentHarness.ContainerStatus((await h.GetPodAsync("done"))!);
        Assert.Equal(3, cs["state"]!["terminated"]!["exitCode"]!.GetValue<int>());
        Assert.Equal("Error", cs["state"]!["terminated"]!["reason"]!.GetValue<string>());
        Assert.Contains("stdout F finished work", File.ReadAllText(h.Agent!.Streams.LogPath(h.Namespace, "done", "c", false)!));
    }
}
