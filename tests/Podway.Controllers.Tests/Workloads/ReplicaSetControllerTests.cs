using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.Workloads;

[Collection("workloads")]
public sealed class ReplicaSetControllerTests(WorkloadsFixture cluster)
{
    ApiClient Client => cluster.Client;

    async Task<JsonObject> RsAsync(string ns, string name) => await Client.GetAsync(BuiltinResources.ReplicaSet, ns, name);

    [Fact]
    public async Task Create_ThreeReplicas_PodsOwnedRunningAndStatusCounted()
    {
        var ns = await cluster.NewNamespaceAsync();
        var rs = await Client.CreateAsync(BuiltinResources.ReplicaSet, ns, WorkloadsFixture.Workload("ReplicaSet", "web", 3, WorkloadsFixture.Template("web")));

        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.availableReplicas") == 3, "3 available replicas");
        var pods = await cluster.PodsAsync(ns);
        Assert.Equal(3, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Name());
            var owner = Assert.Single(pod.Obj("metadata")!.Arr("ownerReferences")!.OfType<JsonObject>());
            Assert.Equal((rs.Uid(), "ReplicaSet", true, true), (owner.Str("uid"), owner.Str("kind"), owner.Bool("controller"), owner.Bool("blockOwnerDeletion")));
            Assert.Equal("node-1", pod.Obj("spec").Str("nodeName"));
        }
        var status = (await RsAsync(ns, "web")).Obj("status")!;
        Assert.Equal((3L, 3L, 3L, 3L, 1L), (status.Long("replicas"), status.Long("fullyLabeledReplicas"), status.Long("readyReplicas"), status.Long("availableReplicas"), status.Long("observedGeneration")));
        var events = await cluster.EventsAsync(ns);
        Assert.Equal(3, events.Count(e => e.Str("reason") == "SuccessfulCreate" && e.Obj("source").Str("component") == "replicaset-controller"));
    }

    [Fact]
    public async Task Scale_FiveToTwo_DeletesUnreadyPodsFirst()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Client.CreateAsync(BuiltinResources.ReplicaSet, ns, WorkloadsFixture.Workload("ReplicaSet", "web", 3, WorkloadsFixture.Template("web")));
        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.readyReplicas") == 3, "3 ready");
        var readyNames = (await cluster.PodsAsync(ns)).Select(p => p.Name()).ToHashSet();
        // Two more that never become ready: they are the least valuable and must go first.
        await Client.PatchAsync(BuiltinResources.ReplicaSet, ns, "web", PatchType.Merge, new JsonObject
        {
            ["spec"] = new JsonObject { ["replicas"] = 5, ["template"] = WorkloadsFixture.Template("web", FakeKubelet.NeverReadyImage) },
        });
        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.replicas") == 5, "5 replicas");

        await Client.PatchAsync(BuiltinResources.ReplicaSet, ns, "web", PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 3 } });

        await Eventually.TrueAsync(async () => (await cluster.PodsAsync(ns)).Count == 3, "scaled down to 3 pods");
        Assert.Equal(readyNames, (await cluster.PodsAsync(ns)).Select(p => p.Name()).ToHashSet());
        Assert.Equal(2, (await cluster.EventsAsync(ns)).Where(e => e.Str("reason") == "SuccessfulDelete").Sum(e => e.Long("count") ?? 1));
    }

    [Fact]
    public async Task Create_MatchingOrphanExists_AdoptsItAndCreatesOnlyTheRest()
    {
        var ns = await cluster.NewNamespaceAsync();
        var orphan = WorkloadsFixture.Template("web");
        orphan["apiVersion"] = "v1";
        orphan["kind"] = "Pod";
        orphan.Metadata()["name"] = "stray";
        await Client.CreateAsync(BuiltinResources.Pod, ns, orphan);
        // Once the scheduler (on the same shared informer) bound it and it runs, the controllers' cache has it.
        await Eventually.TrueAsync(async () => WorkloadsFixture.IsReady(await Client.GetAsync(BuiltinResources.Pod, ns, "stray")), "the stray pod runs");

        var rs = await Client.CreateAsync(BuiltinResources.ReplicaSet, ns, WorkloadsFixture.Workload("ReplicaSet", "web", 2, WorkloadsFixture.Template("web")));

        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.readyReplicas") == 2, "2 ready");
        var pods = await cluster.PodsAsync(ns);
        Assert.Equal(2, pods.Count);
        var stray = Assert.Single(pods, p => p.Name() == "stray");
        Assert.Equal(rs.Uid(), stray.Obj("metadata")!.Arr("ownerReferences")![0]!.AsObject().Str("uid"));
    }

    [Fact]
    public async Task Relabel_PodStopsMatching_ReleasedAndReplaced()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Client.CreateAsync(BuiltinResources.ReplicaSet, ns, WorkloadsFixture.Workload("ReplicaSet", "web", 2, WorkloadsFixture.Template("web")));
        await Eventually.TrueAsync(async () => (await cluster.PodsAsync(ns)).Count == 2, "2 pods");
        var victim = (await cluster.PodsAsync(ns))[0].Name();

        await Client.PatchAsync(BuiltinResources.Pod, ns, victim, PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "debug" } } });

        await Eventually.TrueAsync(async () => (await cluster.PodsAsync(ns, "app=web")).Count == 2, "a replacement pod");
        await Eventually.TrueAsync(async () => (await Client.GetAsync(BuiltinResources.Pod, ns, victim)).Obj("metadata")?["ownerReferences"] is null, "the relabelled pod released");
    }

    [Fact]
    public async Task Status_MinReadySeconds_AvailableOnlyAfterwards()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Client.CreateAsync(BuiltinResources.ReplicaSet, ns, WorkloadsFixture.Workload("ReplicaSet", "web", 1, WorkloadsFixture.Template("web"), new JsonObject { ["minReadySeconds"] = 2 }));

        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.readyReplicas") == 1, "ready");
        Assert.Equal(0, WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.availableReplicas") ?? 0);
        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await RsAsync(ns, "web"), "status.availableReplicas") == 1, "available after minReadySeconds", seconds: 10);
    }
}
