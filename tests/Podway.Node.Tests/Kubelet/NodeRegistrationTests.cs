using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Node.Kubelet;

namespace Podway.Node.Tests.Kubelet;

[Collection(ApiServerCollection.Name)]
public sealed class NodeRegistrationTests(RealApiServer api)
{
    [Fact]
    public async Task RunAsync_NewNode_RegistersNodeWithKubeletStatusAndRenewsLease()
    {
        await using var h = new AgentHarness(api, new NodeAgentOptions { LeaseRenewInterval = TimeSpan.FromMilliseconds(300) });
        await h.StartAsync();

        JsonObject? node = null;
        await Eventually.TrueAsync(async () => (node = await h.Client.TryGetAsync(BuiltinResources.Node, null, h.Node.NodeName)) is not null, "node registered");
        var labels = node!["metadata"]!["labels"]!;
        Assert.Equal(h.Node.NodeName, labels["kubernetes.io/hostname"]!.GetValue<string>());
        Assert.Equal("linux", labels["kubernetes.io/os"]!.GetValue<string>());
        Assert.Equal("amd64", labels["kubernetes.io/arch"]!.GetValue<string>());
        Assert.Null(labels["node-role.kubernetes.io/control-plane"]); // only node index 0 carries it
        Assert.Equal("10.244.1.0/24", node["spec"]!["podCIDR"]!.GetValue<string>());
        var status = node["status"]!;
        var ready = status["conditions"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "Ready")!;
        Assert.Equal(("True", "KubeletReady", "kubelet is posting ready status"),
            (ready["status"]!.GetValue<string>(), ready["reason"]!.GetValue<string>(), ready["message"]!.GetValue<string>()));
        Assert.Equal("110", status["capacity"]!["pods"]!.GetValue<string>());
        Assert.Equal(Environment.ProcessorCount.ToString(), status["capacity"]!["cpu"]!.GetValue<string>());
        Assert.EndsWith("Ki", status["capacity"]!["memory"]!.GetValue<string>());
        Assert.Equal("v1.33.1", status["nodeInfo"]!["kubeletVersion"]!.GetValue<string>());
        Assert.StartsWith("podway://", status["nodeInfo"]!["containerRuntimeVersion"]!.GetValue<string>());
        Assert.Equal(h.Node.KubeletPort, status["daemonEndpoints"]!["kubeletEndpoint"]!["Port"]!.GetValue<int>());
        Assert.Contains(status["addresses"]!.AsArray(), a => a!["type"]!.GetValue<string>() == "InternalIP" && a["address"]!.GetValue<string>() == "127.0.0.1");

        JsonObject? lease = null;
        await Eventually.TrueAsync(async () => (lease = await h.Client.TryGetAsync(BuiltinResources.Lease, "kube-node-lease", h.Node.NodeName)) is not null, "lease created");
        Assert.Equal(h.Node.NodeName, lease!["spec"]!["holderIdentity"]!.GetValue<string>());
        Assert.Equal(40, lease["spec"]!["leaseDurationSeconds"]!.GetValue<int>());
        var firstRenew = lease["spec"]!["renewTime"]!.GetValue<string>();
        await Eventually.TrueAsync(async () =>
            (await h.Client.GetAsync(BuiltinResources.Lease, "kube-node-lease", h.Node.NodeName))["spec"]!["renewTime"]!.GetValue<string>() != firstRenew,
            "lease renewed", 5);
    }
}
