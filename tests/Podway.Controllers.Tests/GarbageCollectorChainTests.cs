using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

/// <summary>The Deployment → ReplicaSet → Pod chain kubectl relies on (`kubectl delete deploy web`), built by hand.</summary>
[Collection("controllers")]
public sealed class GarbageCollectorChainTests(ControllersFixture cluster)
{
    static JsonObject Template() => new()
    {
        ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "nginx" }) },
    };

    static JsonObject Selector() => new() { ["matchLabels"] = new JsonObject { ["app"] = "web" } };

    async Task<(JsonObject Deployment, JsonObject ReplicaSet)> CreateChainAsync(string ns)
    {
        var client = cluster.Client;
        var deployment = await client.CreateAsync(BuiltinResources.Deployment, ns, new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["metadata"] = new JsonObject { ["name"] = "web" },
            ["spec"] = new JsonObject { ["replicas"] = 2, ["selector"] = Selector(), ["template"] = Template() },
        });
        var replicaSet = await client.CreateAsync(BuiltinResources.ReplicaSet, ns, new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject { ["name"] = "web-1", ["ownerReferences"] = new JsonArray(ControllersFixture.OwnerRef(deployment, true, true)) },
            ["spec"] = new JsonObject { ["replicas"] = 2, ["selector"] = Selector(), ["template"] = Template() },
        });
        foreach (var name in new[] { "web-1-a", "web-1-b" })
        {
            var pod = Template();
            pod["apiVersion"] = "v1";
            pod["kind"] = "Pod";
            pod["metadata"]!["name"] = name;
            pod["metadata"]!["ownerReferences"] = new JsonArray(ControllersFixture.OwnerRef(replicaSet, true, true));
            await client.CreateAsync(BuiltinResources.Pod, ns, pod);
        }
        return (deployment, replicaSet);
    }

    async Task<bool> ChainGoneAsync(string ns) =>
        await cluster.GoneAsync(BuiltinResources.ReplicaSet, ns, "web-1")
        && await cluster.GoneAsync(BuiltinResources.Pod, ns, "web-1-a")
        && await cluster.GoneAsync(BuiltinResources.Pod, ns, "web-1-b");

    [Theory]
    [InlineData("Background")]
    [InlineData("Foreground")]
    public async Task Delete_Deployment_ReplicaSetAndPodsCollected(string policy)
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateChainAsync(ns);

        await cluster.Client.DeleteAsync(BuiltinResources.Deployment, ns, "web", new DeleteOptions { PropagationPolicy = policy });

        await Eventually.TrueAsync(() => ChainGoneAsync(ns), $"{policy} deletion removes the ReplicaSet and its Pods");
        Assert.True(await cluster.GoneAsync(BuiltinResources.Deployment, ns, "web"));
    }

    [Fact]
    public async Task Delete_DeploymentOrphan_ReplicaSetKeptAndPodsStillOwnedByIt()
    {
        var ns = await cluster.NewNamespaceAsync();
        var (_, replicaSet) = await CreateChainAsync(ns);

        await cluster.Client.DeleteAsync(BuiltinResources.Deployment, ns, "web", DeleteOptions.Orphan);

        await Eventually.TrueAsync(() => cluster.GoneAsync(BuiltinResources.Deployment, ns, "web"), "the deployment is deleted");
        var orphan = await cluster.Client.GetAsync(BuiltinResources.ReplicaSet, ns, "web-1");
        Assert.Empty(ObjectMeta.OwnerReferences(orphan));
        var pod = await cluster.Client.GetAsync(BuiltinResources.Pod, ns, "web-1-a");
        Assert.Equal(ObjectMeta.Uid(replicaSet), ObjectMeta.OwnerReferences(pod).Single()["uid"]!.GetValue<string>());
    }
}
