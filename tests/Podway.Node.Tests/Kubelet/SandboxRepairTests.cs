using Podway.Client;

namespace Podway.Node.Tests.Kubelet;

/// <summary>A Pod whose sandbox loses its network gets a new one with its containers started again, as the kubelet does.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class SandboxRepairTests(RealApiServer api)
{
    [Fact]
    public async Task Pod_SandboxLosesItsNetwork_ContainersRestartInANewSandbox()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("web", """[{"name":"web","image":"busybox","command":["sh","-c","exec sleep 60"]}]""");
        var pod = await h.WaitPodAsync("web", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");
        var uid = ObjectMeta.Uid(pod);

        h.Sandboxes.Damaged[uid] = "its network namespace is gone";

        pod = await h.WaitPodAsync("web", p => AgentHarness.ContainerStatus(p)["restartCount"]?.GetValue<int>() == 1
            && AgentHarness.ContainerStatus(p)["state"]?["running"] is not null, "running again after one restart", seconds: 60);
        Assert.Contains(uid, h.Sandboxes.Removed);
        Assert.True(h.Sandboxes.Exists(uid), "a new sandbox was made");
        Assert.NotNull(AgentHarness.ContainerStatus(pod)["lastState"]?["terminated"]);
        var events = (await h.EventsOnceAsync("web", e => e["reason"]!.GetValue<string>() == "SandboxChanged", "SandboxChanged")).Select(e => (e["reason"]!.GetValue<string>(), e["message"]!.GetValue<string>()));
        Assert.Contains(("SandboxChanged", "Pod sandbox changed, it will be killed and re-created."), events);
    }

    [Fact]
    public async Task Pod_WholeSandbox_IsNeverRecreated()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("calm", """[{"name":"c","image":"busybox","command":["sh","-c","exec sleep 60"]}]""");
        var pod = await h.WaitPodAsync("calm", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");

        await Task.Delay(h.Options.SandboxCheckInterval * 3); // several checks of the agent

        pod = (await h.GetPodAsync("calm"))!;
        Assert.Equal(0, AgentHarness.ContainerStatus(pod)["restartCount"]!.GetValue<int>());
        Assert.Empty(h.Sandboxes.Removed);
    }
}
