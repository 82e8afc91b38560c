using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.Workloads;

[Collection("workloads")]
public sealed class StatefulSetControllerTests(WorkloadsFixture cluster)
{
    ApiClient Client => cluster.Client;

    Task<JsonObject> SetAsync(string ns) => Client.GetAsync(BuiltinResources.StatefulSet, ns, "web");

    async Task<List<string>> NamesAsync(string ns) => [.. (await cluster.PodsAsync(ns)).Select(p => p.Name()).Order()];

    [Fact]
    public async Task Create_OrderedReady_PodsCreatedOneAfterAnotherWithIdentity()
    {
        var ns = await cluster.NewNamespaceAsync();
        var creationOrder = new List<string>();
        await Client.CreateAsync(BuiltinResources.StatefulSet, ns, WorkloadsFixture.Workload("StatefulSet", "web", 3, WorkloadsFixture.Template("web"), new JsonObject { ["serviceName"] = "nginx" }));

        await Eventually.TrueAsync(async () =>
        {
            var pods = await cluster.PodsAsync(ns);
            // OrderedReady: a pod exists only once every lower ordinal is Running and Ready.
            foreach (var pod in pods.OrderBy(p => p.Name()))
                if (!creationOrder.Contains(pod.Name())) creationOrder.Add(pod.Name());
            var notReadyLower = pods.Where(p => !WorkloadsFixture.IsReady(p)).Select(p => int.Parse(p.Name()[4..])).DefaultIfEmpty(int.MaxValue).Min();
            Assert.False(pods.Any(p => int.Parse(p.Name()[4..]) > notReadyLower), string.Join("\n", pods.Select(p => p.ToJsonString())));
            return WorkloadsFixture.Field(await SetAsync(ns), "status.readyReplicas") == 3;
        }, "3 ready replicas");

        Assert.Equal(["web-0", "web-1", "web-2"], creationOrder);
        var web1 = await Client.GetAsync(BuiltinResources.Pod, ns, "web-1");
        Assert.Equal(("web-1", "nginx"), (web1.Obj("spec").Str("hostname"), web1.Obj("spec").Str("subdomain")));
        Assert.Equal(("web-1", "1"), (web1.Labels().Str("statefulset.kubernetes.io/pod-name"), web1.Labels().Str("apps.kubernetes.io/pod-index")));
        var set = await SetAsync(ns);
        Assert.Equal(set.Obj("status").Str("updateRevision"), web1.Labels().Str("controller-revision-hash"));
        Assert.True(set.Obj("status").Long("currentReplicas") == 3, set.Obj("status")!.ToJsonString() + string.Join("\n", (await cluster.PodsAsync(ns)).Select(p => p.Labels()!.ToJsonString())));
        Assert.Equal((3L, 3L, 3L, 3L), (set.Obj("status").Long("replicas"), set.Obj("status").Long("availableReplicas"), set.Obj("status").Long("currentReplicas"), set.Obj("status").Long("updatedReplicas")));
        Assert.Equal(set.Obj("status").Str("updateRevision"), set.Obj("status").Str("currentRevision"));
        Assert.Contains(await cluster.EventsAsync(ns), e => e.Str("reason") == "SuccessfulCreate" && e.Str("message") == "create Pod web-0 in StatefulSet web successful");
    }

    [Fact]
    public async Task ScaleDown_OrderedReady_HighestOrdinalFirst()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Client.CreateAsync(BuiltinResources.StatefulSet, ns, WorkloadsFixture.Workload("StatefulSet", "web", 3, WorkloadsFixture.Template("web")));
        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await SetAsync(ns), "status.readyReplicas") == 3, "3 ready");

        await Client.PatchAsync(BuiltinResources.StatefulSet, ns, "web", PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 1 } }, subresource: "scale");

        var seen = new List<List<string>>();
        await Eventually.TrueAsync(async () =>
        {
            var names = await NamesAsync(ns);
            if (seen.Count == 0 || !seen[^1].SequenceEqual(names)) seen.Add(names);
            return names.SequenceEqual(["web-0"]);
        }, "scaled down to web-0");
        // web-2 goes before web-1: no state where web-1 is gone but web-2 remains.
        Assert.DoesNotContain(seen, names => names.Contains("web-2") && !names.Contains("web-1"));
    }

    [Fact]
    public async Task Create_Parallel_AllPodsAtOnceEvenWhenNotReady()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Client.CreateAsync(BuiltinResources.StatefulSet, ns, WorkloadsFixture.Workload("StatefulSet", "web", 3, WorkloadsFixture.Template("web", FakeKubelet.NeverReadyImage),
            new JsonObject { ["podManagementPolicy"] = "Parallel" }));

        await Eventually.TrueAsync(async () => (await NamesAsync(ns)).SequenceEqual(["web-0", "web-1", "web-2"]), "all three pods though none is ready");
        Assert.DoesNotContain(await cluster.PodsAsync(ns), WorkloadsFixture.IsReady);
    }

    [Fact]
    public async Task RollingUpdate_NewImage_ReplacedFromHighestOrdinal()
    {
        var ns = await cluster.NewNamespaceAsync();
        await Client.CreateAsync(BuiltinResources.StatefulSet, ns, WorkloadsFixture.Workload("StatefulSet", "web", 2, WorkloadsFixture.Template("web")));
        await Eventually.TrueAsync(async () => WorkloadsFixture.Field(await SetAsync(ns), "status.readyReplicas") == 2, "2 ready");
        var before = (await SetAsync(ns)).Obj("status").Str("currentRevision");

        await Client.PatchAsync(BuiltinResources.StatefulSet, ns, "web", PatchType.Merge, new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = WorkloadsFixture.Template("web", "nginx:1.28") },
        });

        await Eventually.TrueAsync(async () =>
        {
            var set = await SetAsync(ns);
            return set.Obj("status").Str("currentRevision") == set.Obj("status").Str("updateRevision") && set.Obj("status").Str("updateRevision") != before
                && set.Obj("status").Long("readyReplicas") == 2;
        }, "the update to complete", seconds: 30);
        Assert.All(await cluster.PodsAsync(ns), p => Assert.Equal("nginx:1.28", p.Obj("spec")!.Arr("containers")![0]!["image"]!.GetValue<string>()));
    }
}
